"""Step 2 in a real browser: the Insurance Form from its email, with a repeated work-history row,
an uploaded PDF, a bad NPI shown next to the field, the fix, and the submission."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from credentialing.models import InsuranceForm
from onboarding.models import OnboardingStep, ReviewStatus
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    assert_error_next_to,
    delivered_email,
    field,
    link_in,
    no_horizontal_scroll,
    open_page,
)
from tests.factories import ProviderFactory, submit_general_onboarding
from tests.helpers import PDF


@pytest.mark.django_db(transaction=True)
def test_a_provider_fills_and_submits_the_insurance_form(live_server, settings, new_context, tmp_path):
    settings.SITE_URL = live_server.url
    provider = ProviderFactory(legal_name="Jordan Rivera", email="jordan.rivera@example.com")
    submit_general_onboarding(provider)  # commits: the Insurance Form email is delivered
    link = link_in(delivered_email("jordan.rivera@example.com", "Insurance Form"))
    certificate = tmp_path / "liability-certificate.pdf"
    certificate.write_bytes(PDF)
    today = timezone.localdate()

    page = open_page(new_context, DESKTOP)
    page.goto(link)
    expect(page.get_by_role("heading", name="Insurance Form")).to_be_visible()
    expect(page.get_by_text("DEA registration")).to_have_count(0)  # an LCSW is not a prescriber

    field(page, "CAQH ProView ID").fill("12345678")
    field(page, "CAQH username").fill("jrivera")
    field(page, "CAQH password").fill("caqh-Pa55word!")
    field(page, "Date of birth").fill("1984-03-14")
    npi = field(page, "NPI (Type 1, individual)")
    npi.fill("1234567890")  # a typo: the check digit is wrong

    page.locator("#id_licenses-0-state").select_option("NY")
    page.locator("#id_licenses-0-license_type").select_option("LCSW")
    page.locator("#id_licenses-0-number").fill("R-081234")
    page.locator("#id_licenses-0-expiry").fill((today + timedelta(days=400)).isoformat())
    page.locator("#id_education-0-institution").fill("Columbia University")
    page.locator("#id_education-0-degree").fill("MSW")
    page.locator("#id_education-0-graduation_date").fill("2014-05-20")

    page.locator("#id_work_history-0-employer").fill("Harbor Counseling")
    page.locator("#id_work_history-0-role").fill("Therapist")
    page.locator("#id_work_history-0-start_date").fill("2023-01-09")
    page.get_by_role("button", name="Add another position").click()
    expect(page.get_by_test_id("work_history-row")).to_have_count(2)
    page.locator("#id_work_history-1-employer").fill("City Clinic")
    page.locator("#id_work_history-1-role").fill("Clinician")
    page.locator("#id_work_history-1-start_date").fill("2015-02-02")
    page.locator("#id_work_history-1-end_date").fill("2022-12-30")

    field(page, "Insurance carrier").fill("CM&F Group")
    field(page, "Policy number").fill("PL-55821")
    field(page, "Per-claim limit (USD)").fill("1000000")
    field(page, "Aggregate limit (USD)").fill("3000000")
    field(page, "Policy effective date").fill((today - timedelta(days=100)).isoformat())
    field(page, "Policy expiry date").fill((today + timedelta(days=265)).isoformat())
    field(page, "Certificate of insurance").set_input_files(str(certificate))

    page.get_by_role("button", name="Submit form").click()
    expect(page.get_by_role("alert").first).to_contain_text("Some answers need attention")
    assert_error_next_to(page, npi, "check digit is wrong (Luhn check with prefix 80840)")
    expect(npi).to_be_focused()
    # Everything else is kept: both positions, and the certificate and password (saved as a draft).
    expect(page.locator("#id_work_history-1-employer")).to_have_value("City Clinic")
    expect(page.get_by_test_id("caqh-password-saved")).to_be_visible()
    expect(page.get_by_test_id("saved-file")).to_be_visible()
    assert "caqh-Pa55word!" not in page.content()
    no_horizontal_scroll(page, DESKTOP["width"])

    npi.fill("1234567893")
    page.get_by_role("button", name="Submit form").click()
    expect(page.get_by_test_id("submitted")).to_have_text("Thank you, your Insurance Form is in")

    record = InsuranceForm.objects.get(provider=provider)
    assert record.status == ReviewStatus.SUBMITTED
    assert record.npi == "1234567893"
    assert sorted(record.work_history.values_list("employer", flat=True)) == [
        "City Clinic",
        "Harbor Counseling",
    ]
    assert record.liability_certificate.read() == PDF
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.INSURANCE_FORM_SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_insurance_form_fits_a_phone_screen(live_server, settings, new_context):
    settings.SITE_URL = live_server.url
    provider = ProviderFactory(email="phone.user@example.com")
    submit_general_onboarding(provider)
    page = open_page(new_context, PHONE, is_mobile=True, has_touch=True)
    page.goto(link_in(delivered_email("phone.user@example.com", "Insurance Form")))
    page.get_by_role("button", name="Add another position").click()
    expect(page.get_by_test_id("work_history-row")).to_have_count(2)
    no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path="/tmp/alma-insurance-phone.png", full_page=True)  # noqa: S108 - to look at
