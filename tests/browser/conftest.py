"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live_server.

Playwright cannot download its own browsers on this machine, so the system Chromium is used
(see shared/NOTES.md). Every test collected under tests/browser gets the `browser` marker, so
`pytest -m "not browser"` skips them and `pytest -m browser` runs only them.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API keeps an asyncio loop running in the test thread, and Django refuses ORM
# calls from a thread with a running loop unless this is set. alma/settings/test.py already sets
# it with setdefault; setting it here too keeps these tests working whatever settings module is
# used. The ORM is only touched between page actions, from the test thread, which is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_HERE = Path(__file__).parent


# pytest-playwright 0.10 defines its fallback `base_url` fixture as an instance method, which
# pytest 9.2 deprecates (PytestRemovedIn10Warning). Not ours to fix; silenced for these tests only.
_PLAYWRIGHT_BASE_URL_DEPRECATION = (
    "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.filterwarnings(_PLAYWRIGHT_BASE_URL_DEPRECATION))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        # A missing browser is a broken set-up, not a reason to skip: scripts/test installs it.
        pytest.fail(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    # pytest-playwright's own options (--headed, --slowmo) still apply; headless by default.
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _async_unsafe_orm_allowed():
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true", (
        "Browser tests need DJANGO_ALLOW_ASYNC_UNSAFE=true (Playwright's sync API runs an event loop)"
    )
