"""Accessibility and phone-width checks for the browser tests.

axe-core is the npm package pinned in package.json (scripts/test runs `npm ci` when the lock
changes), injected into the page as a script, so the rules are those of the pinned release and
not an older copy bundled with a Python wrapper.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "node_modules" / "axe-core" / "axe.min.js"

# The impacts a user is blocked or badly hindered by: these fail the test. Moderate and minor
# findings are left to review (axe reports them too).
BLOCKING_IMPACTS = ("serious", "critical")

# A phone the checks are made on: 390 x 844 CSS pixels (the iPhone 12 to 15's screen).
PHONE_390 = {"width": 390, "height": 844}


def axe_version() -> str:
    """The release of axe-core that is installed (node_modules/axe-core/package.json)."""
    return json.loads((AXE_SCRIPT.parent / "package.json").read_text())["version"]


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE_SCRIPT.exists():
        # A missing tool is a broken set-up, not a reason to skip the checks.
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci --no-audit --no-fund` in {REPO}")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [found for found in results["violations"] if found["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """One line per violation and one per element it was found on: what to fix, and where."""
    lines = []
    for found in violations:
        lines.append(f"  {found['impact']} {found['id']}: {found['help']} ({found['helpUrl']})")
        for node in found["nodes"]:
            target = " ".join(" > ".join(part) if isinstance(part, list) else part for part in node["target"])
            lines.append(f"      at {target}: {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


def page_width_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
