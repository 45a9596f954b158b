"""The HTML helpers tests use to find what a page says: by id and data-* attributes."""

import pytest

from tests.helpers import attribute_of, element, elements, text_at, text_of

PAGE = """
<section class="card mb-3" id="credentialing" data-step="2">
  <h2>Insurance <span class="badge">2 payers</span></h2>
  <ul>
    <li data-payer="evergreen" data-status="approved">Evergreen<ul><li>nested</li></ul></li>
    <li data-payer="cedar" data-status="denied">Cedar &amp; Co<br>Panel closed</li>
  </ul>
  <img src="x.png" alt="" data-payer="logo">
</section>
<section id="timeline"><p>Nothing yet.</p></section>
"""


def test_an_element_is_found_by_id_with_everything_inside_it():
    found = element(PAGE, "#credentialing")
    assert found.startswith('<section class="card mb-3" id="credentialing"')
    assert found.endswith("</section>")
    assert "Nothing yet" not in found  # stops at its own end tag, not the next section's
    assert text_at(PAGE, "section#timeline") == "Nothing yet."


def test_elements_are_found_by_data_attributes_in_page_order_nested_ones_whole():
    assert [attribute_of(li, "data-payer") for li in elements(PAGE, "li[data-payer]")] == [
        "evergreen",
        "cedar",
    ]
    [denied] = elements(PAGE, "[data-status=denied]")
    assert text_of(denied) == "Cedar & Co Panel closed"
    assert text_of(element(PAGE, "li[data-payer=evergreen]")) == "Evergreen nested"
    assert elements(PAGE, "img[data-payer]") == ['<img src="x.png" alt="" data-payer="logo">']
    assert len(elements(PAGE, "h2[id^=stage-]")) == 0
    assert attribute_of(element(PAGE, "#credentialing"), "data-step") == "2"
    assert attribute_of(element(PAGE, "#credentialing"), "data-missing") is None


def test_a_missing_element_fails_the_test_with_its_selector():
    with pytest.raises(AssertionError, match=r"nothing on the page matches #go-live"):
        element(PAGE, "#go-live")


def test_text_of_keeps_apart_what_a_browser_shows_apart():
    assert (
        text_of("<p>Effective <time>Jan 5, 2026</time></p><p>Approved</p>")
        == "Effective Jan 5, 2026 Approved"
    )
    assert text_of("<em>whole</em> webinar &amp; quiz") == "whole webinar & quiz"
    assert (
        text_of("Effective start date: <strong>Jan 5, 2026</strong>.") == "Effective start date: Jan 5, 2026."
    )
