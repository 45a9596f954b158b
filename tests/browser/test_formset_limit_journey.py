"""The Insurance Form's "Add another" buttons stop at the most rows a section takes (the server
refuses more), and say so."""

import pytest
from playwright.sync_api import expect

from credentialing import links as credentialing_links
from credentialing.forms import SECTION_MAX_ROWS
from onboarding import links
from tests.browser.pages import DESKTOP, open_page
from tests.factories import ProviderFactory, submit_general_onboarding


@pytest.mark.django_db(transaction=True)
def test_add_another_degree_stops_at_the_limit(live_server, new_context):
    provider = ProviderFactory()
    submit_general_onboarding(provider)
    page = open_page(new_context, DESKTOP)
    page.goto(live_server.url + links.form_path(provider, credentialing_links.INSURANCE_FORM))

    add = page.get_by_role("button", name="Add another degree")
    full = page.get_by_test_id("education-full")
    expect(full).to_be_hidden()
    most = SECTION_MAX_ROWS["education"]
    for _ in range(most - 1):  # the page opens with one empty row
        add.click()
    expect(page.get_by_test_id("education-row")).to_have_count(most)
    expect(add).to_be_disabled()
    expect(full).to_be_visible()
    expect(full).to_have_text(f"This section takes at most {most} degrees.")
    assert page.locator('input[name="education-TOTAL_FORMS"]').input_value() == str(most)
    # The other sections still have room.
    expect(page.get_by_role("button", name="Add another position")).to_be_enabled()
