"""Staff in the admin, as they click (issue 12, staff side): signed in through allauth with their
authenticator app, they record a signed agreement on Membership agreements, review a General
Onboarding form on its own page, approve it after a confirmation, send an Insurance Form back
with a reason, and read the payer-application list on a 1280 px screen without scrolling sideways.
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from credentialing.models import ApplicationStatus
from onboarding.models import FormReview, GeneralOnboarding, Provider, ReviewStatus
from tests.browser import pages
from tests.browser.pages import DESKTOP, assert_error_next_to, no_horizontal_scroll, open_page, staff_sign_in
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_EMAIL = "reviewer@alma.test"
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _two_factor_for_staff(settings, rate_limits_reset):
    settings.STAFF_MFA_REQUIRED = True  # as in production: no admin page without the code step


def staff_with_authenticator(*permissions: str):
    return pages.staff_with_authenticator(STAFF_EMAIL, *permissions)


def sign_in(page: Page, base_url: str, secret: str, next_path: str) -> None:
    staff_sign_in(page, base_url, STAFF_EMAIL, secret, next_path)


def on_a_phone(page: Page) -> None:
    """The page, with its errors or its question, fits a 390 px phone; then back to the desk."""
    page.set_viewport_size(PHONE_390)
    no_horizontal_scroll(page, PHONE_390["width"])
    page.set_viewport_size(DESKTOP)


def test_the_payer_application_list_fits_a_1280px_screen(live_server, new_context):
    _staff, secret = staff_with_authenticator(
        "credentialing.view_payerapplication", "credentialing.change_payerapplication"
    )
    # Long names on both sides and every payer in the filter: the widest the list gets.
    payers = [
        PayerFactory(name=name) for name in ("Blue Cross Blue Shield of Massachusetts", "UnitedHealthcare")
    ]
    payers += [PayerFactory(name=f"Harvard Pilgrim Health Care Plan {n}") for n in range(6)]
    for n, payer in enumerate(payers):
        provider = ProviderFactory(legal_name=f"Alexandria Montgomery-Fitzgerald {n}")
        make_application(
            provider=provider,
            payer=payer,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=timezone.now() - dt.timedelta(days=50 - n),
        )
    page = open_page(new_context, DESKTOP)
    sign_in(page, live_server.url, secret, reverse("admin:credentialing_payerapplication_changelist"))

    expect(page.locator("#result_list tbody tr")).to_have_count(len(payers))
    widths = page.evaluate(
        """() => ({
            document: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
            changelist: [document.querySelector('#changelist').scrollWidth,
                         document.querySelector('#changelist').clientWidth],
            results: [document.querySelector('.results').scrollWidth,
                      document.querySelector('.results').clientWidth],
        })"""
    )
    for name, (scroll_width, client_width) in widths.items():
        assert scroll_width <= client_width, f"{name} scrolls sideways at 1280 px: {widths}"
    # Every column a decision needs is on screen, the last one fully.
    header = page.locator("#result_list thead th").last
    box = header.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]


def test_staff_record_an_agreement_then_review_both_forms_by_their_buttons(live_server, new_context):
    _staff, secret = staff_with_authenticator(
        "view_membershipagreement",
        "add_membershipagreement",
        "view_provider",
        "review_onboarding_forms",
        "view_generalonboarding",
        "credentialing.view_insuranceform",
    )
    jane = ProviderFactory(legal_name="Jane Doe")
    submit_general_onboarding(jane)
    submit_insurance_form(jane)
    page = open_page(new_context, DESKTOP)
    sign_in(page, live_server.url, secret, reverse("admin:onboarding_membershipagreement_changelist"))

    # --- Record signed agreement, from the agreement list --------------------------------------
    page.get_by_role("link", name="Record signed agreement").click()
    signed_at = page.get_by_label("Signed at")
    now_on_the_company_clock = timezone.localtime().strftime("%Y-%m-%d")
    expect(signed_at).to_have_value(re.compile(rf"^{now_on_the_company_clock} \d\d:\d\d$"))
    typed_now = signed_at.input_value()
    page.get_by_label("Legal name").fill("Ada Brennan")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("License type").select_option("LMFT")
    page.get_by_label("Contracted start date").fill(
        (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    )
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    signed_at.fill(f"{tomorrow} 09:00")
    page.get_by_role("button", name="Record agreement").click()
    # The error is under Signed at itself, not under the field above it.
    assert_error_next_to(page, signed_at, "The agreement cannot be signed in the future.")
    on_a_phone(page)
    expect(page.get_by_label("Contracted start date")).not_to_have_attribute("aria-invalid", "true")

    signed_at.fill(typed_now)
    page.get_by_role("button", name="Record agreement").click()
    expect(
        page.get_by_text("Agreement recorded for Ada Brennan. The General Onboarding email is queued.")
    ).to_be_visible()
    assert Provider.objects.filter(user__email="ada@example.com").exists()

    # --- The General Onboarding form, read on its own page, approved after a confirmation ------
    page.goto(f"{live_server.url}{reverse('admin:onboarding_reviewqueue_changelist')}")
    page.get_by_role("link", name="General Onboarding form", exact=True).click()
    expect(page.get_by_text("New York, New Jersey")).to_be_visible()
    expect(page.get_by_text("Anxiety, Trauma and PTSD")).to_be_visible()
    expect(page.get_by_text('["NY", "NJ"]')).to_have_count(0)
    decision = page.locator("#review-decision")
    decision.get_by_role("link", name="Approve").click()
    expect(page.get_by_role("heading", name="Approve Jane Doe's General Onboarding form?")).to_be_visible()
    expect(page.get_by_text("No email is sent yet")).to_be_visible()
    assert GeneralOnboarding.objects.get(provider=jane).status == ReviewStatus.SUBMITTED  # asked, not done
    on_a_phone(page)
    page.get_by_role("button", name="Yes, approve").click()
    expect(page.get_by_text("General Onboarding form of Jane Doe approved (round 1).")).to_be_visible()
    assert GeneralOnboarding.objects.get(provider=jane).status == ReviewStatus.APPROVED

    # --- The Insurance Form, sent back with a reason from its own page -------------------------
    page.get_by_role("link", name="Insurance Form", exact=True).click()
    page.locator("#review-decision").get_by_role("link", name="Request changes").click()
    reason = page.get_by_label("What should the provider change?")
    page.get_by_role("button", name="Request changes and email the provider").click()
    assert_error_next_to(page, reason, "Write the reason: the provider receives it in the email.")
    reason.fill("Your liability certificate is missing its expiry date.")
    page.get_by_role("button", name="Request changes and email the provider").click()
    expect(page.get_by_text("Changes requested on the Insurance Form of Jane Doe (round 1).")).to_be_visible()
    assert list(FormReview.objects.values_list("form", "decision")) == [
        ("general_onboarding", "approved"),
        ("insurance_form", "changes_requested"),
    ]
