"""The checks of tests/browser/axe.py find what they are there to find: a page that passes them
passes because it is right, not because axe did not run."""

import json

from tests.browser.axe import PHONE_390, axe_version, axe_violations, describe, page_width_overflow
from tests.helpers import REPO

BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head><body><main>
<h1>Broken on purpose</h1>
<img src="data:," id="no-alt">
<div style="width: 600px">wider than a phone</div>
</main></body></html>"""


def test_axe_reports_a_critical_violation_with_where_it_is(page):
    page.set_content(BROKEN)
    violations = axe_violations(page)
    assert [(found["id"], found["impact"]) for found in violations] == [("image-alt", "critical")]
    assert "image-alt: Images must have alternative text" in describe(violations)
    assert "at #no-alt" in describe(violations)


def test_a_page_wider_than_the_phone_is_measured(page):
    page.set_viewport_size(PHONE_390)
    page.set_content(BROKEN)
    assert page_width_overflow(page) == 600 - 390 + 8  # the body's default 8 px margin on the left
    page.set_content(BROKEN.replace("600px", "100%"))
    assert page_width_overflow(page) == 0


def test_the_pinned_axe_release_is_the_one_installed():
    lock = json.loads((REPO / "package-lock.json").read_text())
    assert axe_version() == lock["packages"]["node_modules/axe-core"]["version"]
