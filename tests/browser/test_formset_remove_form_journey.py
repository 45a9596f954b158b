"""Every repeatable row of the Insurance Form has a Remove button (issue 12): a row added on the
page is taken out (the section's row count, and its limit, go down), a saved row is removed
with the formset's DELETE box, by keyboard, each button named by its place for screen readers."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credentialing import links as credentialing_links
from credentialing.forms import SECTION_MAX_ROWS
from credentialing.models import Education, InsuranceForm
from credentialing.services.insurance_form import insurance_form_save_draft
from onboarding import links
from tests.browser.pages import DESKTOP, open_page
from tests.factories import ProviderFactory, submit_general_onboarding


@pytest.mark.django_db(transaction=True)
def test_added_and_saved_rows_can_be_removed(live_server, new_context):
    provider = ProviderFactory()
    submit_general_onboarding(provider)
    insurance_form_save_draft(
        provider=provider,
        values={},
        education=[
            {"institution": "Columbia University", "degree": "MSW", "graduation_date": timezone.localdate()}
        ],
    )
    page = open_page(new_context, DESKTOP)
    page.goto(live_server.url + links.form_path(provider, credentialing_links.INSURANCE_FORM))

    rows = page.get_by_test_id("education-row")
    total = page.locator('input[name="education-TOTAL_FORMS"]')
    expect(rows).to_have_count(1)
    expect(page.get_by_label("Remove this degree")).to_be_hidden()  # the button stands in for it
    add = page.get_by_role("button", name="Add another degree")
    add.click()
    page.locator('input[name="education-1-institution"]').fill("NYU")
    add.click()
    page.locator('input[name="education-2-institution"]').fill("Hunter College")
    expect(page.get_by_role("button", name="Remove degree 3")).to_be_visible()

    # The added second row goes; the third takes its number, and focus moves onto it.
    page.get_by_role("button", name="Remove degree 2").press("Enter")
    expect(rows).to_have_count(2)
    assert total.input_value() == "2"
    assert page.locator('input[name="education-1-institution"]').input_value() == "Hunter College"
    expect(page.locator('input[name="education-1-institution"]')).to_be_focused()
    expect(page.get_by_role("button", name="Remove degree 2")).to_be_visible()
    expect(page.get_by_role("button", name="Remove degree 3")).to_have_count(0)
    expect(page.locator("[data-formset=education] [data-formset-status]")).to_have_text("Degree 2 removed.")

    # The saved row is removed with DELETE: hidden, and gone once the draft is saved.
    page.get_by_role("button", name="Remove degree 1").click()
    expect(rows.locator("visible=true")).to_have_count(1)
    page.locator('input[name="education-1-institution"]').fill("")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    assert not Education.objects.filter(insurance_form=InsuranceForm.objects.get(provider=provider)).exists()


@pytest.mark.django_db(transaction=True)
def test_removing_a_row_at_the_limit_makes_room_again(live_server, new_context):
    provider = ProviderFactory()
    submit_general_onboarding(provider)
    page = open_page(new_context, DESKTOP)
    page.goto(live_server.url + links.form_path(provider, credentialing_links.INSURANCE_FORM))
    add = page.get_by_role("button", name="Add another degree")
    for _ in range(SECTION_MAX_ROWS["education"] - 1):
        add.click()
    expect(add).to_be_disabled()
    page.get_by_role("button", name="Remove degree 4").click()
    expect(add).to_be_enabled()
    expect(page.get_by_test_id("education-full")).to_be_hidden()
