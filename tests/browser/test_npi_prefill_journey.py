"""The Insurance Form's "Fill in from the NPI registry" in a real browser, with the fixtures
backend (no network): a provider licensed in three states types their NPI, presses the button
from the keyboard, and gets three licence rows and what the registry says about them."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from credentialing import links as credentialing_links
from onboarding import links
from onboarding.models import LicenseType
from tests.browser.pages import DESKTOP, PHONE, field, no_horizontal_scroll, open_page
from tests.factories import ProviderFactory, submit_general_onboarding


@pytest.fixture
def luis_form(live_server, settings, db):
    settings.SITE_URL = live_server.url
    settings.NPI_REGISTRY = "fixtures"
    cache.clear()
    provider = ProviderFactory(
        legal_name="Luis Ortega", email="luis.ortega@example.com", license_type=LicenseType.LPC
    )
    submit_general_onboarding(provider)
    return f"{live_server.url}{links.form_path(provider, credentialing_links.INSURANCE_FORM)}"


@pytest.mark.django_db(transaction=True)
def test_a_provider_fills_their_licences_from_the_npi_registry(luis_form, new_context):
    page = open_page(new_context, DESKTOP)
    page.goto(luis_form)
    button = page.get_by_role("button", name="Fill in from the NPI registry")
    npi = field(page, "NPI (Type 1, individual)")

    npi.fill("1300000002")  # a typo: no offer for an NPI that cannot exist
    expect(button).to_be_hidden()
    npi.fill("1300 000 001")
    expect(button).to_be_visible()

    button.focus()
    page.keyboard.press("Enter")

    status = page.get_by_test_id("npi-prefill-status")
    expect(status).to_have_text(
        "Filled in 3 licences from the NPI registry (NJ, NY, PA). Please check them and add each expiry date."
    )
    expect(status).to_have_attribute("aria-live", "polite")
    expect(page.get_by_test_id("licenses-row")).to_have_count(3)
    filled = [
        (
            page.locator(f"#id_licenses-{i}-state").input_value(),
            page.locator(f"#id_licenses-{i}-number").input_value(),
            page.locator(f"#id_licenses-{i}-license_type").input_value(),
        )
        for i in range(3)
    ]
    assert filled == [("NJ", "37PC00512300", "LPC"), ("NY", "012877", "LPC"), ("PA", "PC015992", "LPC")]
    found = page.get_by_test_id("npi-prefill-found")
    expect(found).to_contain_text("LUIS ORTEGA")
    expect(found).to_contain_text("LPC, LMHC")
    expect(found).to_contain_text("1 PENN PLZ, NEW YORK, NY 10119-0002")
    expect(button).to_be_focused()  # the keyboard stays where it was
    no_horizontal_scroll(page, DESKTOP["width"])


@pytest.mark.django_db(transaction=True)
def test_an_unknown_npi_is_said_in_the_live_region_on_a_phone(luis_form, new_context):
    page = open_page(new_context, PHONE, is_mobile=True, has_touch=True)
    page.goto(luis_form)
    field(page, "NPI (Type 1, individual)").fill("1000000012")
    page.get_by_role("button", name="Fill in from the NPI registry").click()

    expect(page.get_by_test_id("npi-prefill-status")).to_have_text(
        "The NPI registry has no NPI 1000000012. Please check the number."
    )
    expect(page.get_by_test_id("licenses-row")).to_have_count(1)
    expect(page.locator("#id_licenses-0-number")).to_have_value("")
    no_horizontal_scroll(page, PHONE["width"])


@pytest.mark.django_db(transaction=True)
def test_two_licences_in_one_state_get_a_row_each_and_a_number_the_provider_typed_is_kept(
    luis_form, new_context
):
    """NPI 1300000019 lists two New York licences (LMHC 012877, LMFT 000321) and one in New
    Jersey. The provider already typed a New York number of their own, and 012877 in a second row:
    their number stays as typed, 012877 stays in its row, and the LMFT licence gets a new row."""
    page = open_page(new_context, DESKTOP)
    page.goto(luis_form)
    page.locator("#id_licenses-0-state").select_option("NY")
    page.locator("#id_licenses-0-number").fill("R-099999")
    page.locator('[data-formset="licenses"] [data-formset-add]').click()
    page.locator("#id_licenses-1-state").select_option("NY")
    page.locator("#id_licenses-1-number").fill("012877")

    field(page, "NPI (Type 1, individual)").fill("1300000019")
    page.get_by_role("button", name="Fill in from the NPI registry").click()

    expect(page.get_by_test_id("npi-prefill-status")).to_have_text(
        "Filled in 3 licences from the NPI registry (NJ, NY, NY). Please check them and add each expiry date."
    )
    expect(page.get_by_test_id("licenses-row")).to_have_count(4)
    rows = [
        (
            page.locator(f"#id_licenses-{i}-state").input_value(),
            page.locator(f"#id_licenses-{i}-number").input_value(),
        )
        for i in range(4)
    ]
    assert rows == [("NY", "R-099999"), ("NY", "012877"), ("NJ", "37PC00512300"), ("NY", "000321")]
    assert page.locator("#id_licenses-3-license_type").input_value() == "LMFT"
