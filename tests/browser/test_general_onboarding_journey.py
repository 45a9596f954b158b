"""Step 1 in a real browser: the emailed link, a mistake, a draft, coming back, submitting.

Everything the provider sees is reached as a provider would reach it: the link is taken out of
the email that was actually delivered (anymail's test backend), not built by a helper.
"""

from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from credentialing import emails as credentialing_emails
from onboarding.models import GeneralOnboarding, OnboardingStep, OutboxEmail
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
from tests.factories import ProviderFactory

SCREENSHOT_DESKTOP = "/tmp/alma-form-desktop.png"  # noqa: S108 - a place to look at, not a secret
SCREENSHOT_PHONE = "/tmp/alma-form-phone.png"  # noqa: S108

BIO = (
    "I am a licensed clinical social worker in New York. I work with adults living with anxiety, "
    "trauma and big life transitions. Sessions are warm, practical and paced to you; our first "
    "session is about what brings you here and what you would like to be different."
)


def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "headshot.png"
    image = Image.new("RGB", (320, 320), (238, 226, 210))
    image.paste((31, 92, 74), (100, 60, 220, 260))
    image.save(path, format="PNG")
    return path


@pytest.mark.django_db(transaction=True)
def test_a_provider_completes_the_general_onboarding_form_from_the_emailed_link(
    live_server, settings, new_context, tmp_path
):
    settings.SITE_URL = live_server.url
    provider = ProviderFactory(legal_name="Dana Whitfield", email="dana.whitfield@example.com")
    link = link_in(delivered_email(provider.email, "Step 1"))
    assert link.startswith(f"{live_server.url}/onboarding/{provider.public_id}/general-onboarding/")

    page = open_page(new_context, DESKTOP)
    page.goto(link)
    expect(page.get_by_role("heading", name="General Onboarding form")).to_be_visible()
    expect(page.get_by_text("Hi Dana Whitfield")).to_be_visible()
    page.screenshot(path=SCREENSHOT_DESKTOP, full_page=True)

    # A first try with two mistakes: a phone number that is too short and a one-line bio.
    field(page, "Practice name").fill("Harbor Counseling")
    phone = field(page, "Contact phone")
    phone.fill("12")
    field(page, "Street address").fill("210 W 29th St")
    field(page, "Suite or unit").fill("Suite 4")
    field(page, "City").fill("New York")
    field(page, "State").select_option("NY")
    field(page, "ZIP code").fill("10001")
    page.get_by_label("New York", exact=True).check()
    page.get_by_label("New Jersey", exact=True).check()
    bio = field(page, "Directory bio")
    bio.fill("I help adults with anxiety.")
    page.get_by_role("button", name="Submit form").click()

    expect(page.get_by_role("alert")).to_contain_text("Some answers need attention before you can submit")
    # The first answer to fix has the focus, wherever it is on the page.
    expect(phone).to_be_focused()
    assert_error_next_to(page, phone, "Enter a valid phone number")
    assert_error_next_to(page, bio, "Write at least 150 characters (it has 27)")
    # What was typed is still there, mistakes included, so only the mistakes need retyping.
    expect(field(page, "Practice name")).to_have_value("Harbor Counseling")
    expect(phone).to_have_value("12")
    expect(field(page, "Street address")).to_have_value("210 W 29th St")
    expect(field(page, "Suite or unit")).to_have_value("Suite 4")
    expect(field(page, "City")).to_have_value("New York")
    expect(field(page, "State")).to_have_value("NY")
    expect(field(page, "ZIP code")).to_have_value("10001")
    expect(page.get_by_label("New York", exact=True)).to_be_checked()
    expect(page.get_by_label("New Jersey", exact=True)).to_be_checked()
    expect(bio).to_have_value("I help adults with anxiety.")
    no_horizontal_scroll(page, DESKTOP["width"])
    page.screenshot(path="/tmp/alma-form-desktop-errors.png", full_page=True)  # noqa: S108
    # A failed submit still keeps every valid answer as a draft (nothing is lost if the tab closes).
    kept = GeneralOnboarding.objects.get(provider=provider)
    assert (kept.status, kept.practice_name, kept.city, kept.bio) == (
        "draft",
        "Harbor Counseling",
        "New York",
        "",
    )

    # Fix the phone only and save a draft: everything valid is kept, the bio is still marked.
    phone.fill("(212) 555-0143")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved, except the answers marked below")
    expect(phone).not_to_have_attribute("aria-invalid", "true")
    assert_error_next_to(page, bio, "at least 150 characters")

    # Write the real bio and save again: a clean draft.
    bio.fill(BIO)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Draft saved. Use the same link from your email to come back to it."
    )
    expect(page.get_by_test_id("draft-saved-at")).to_contain_text("Draft last saved")
    draft = GeneralOnboarding.objects.get(provider=provider)
    assert draft.status == GeneralOnboarding.Status.DRAFT
    assert (draft.practice_name, str(draft.contact_phone), draft.bio) == (
        "Harbor Counseling",
        "+12125550143",
        BIO,
    )

    # Come back later: a fresh browser (no cookies), the same link, everything pre-filled.
    later = open_page(new_context, DESKTOP)
    later.goto(link)
    expect(later.get_by_test_id("draft-saved-at")).to_be_visible()
    expect(field(later, "Practice name")).to_have_value("Harbor Counseling")
    expect(field(later, "Contact phone")).to_have_value("(212) 555-0143")
    expect(field(later, "Street address")).to_have_value("210 W 29th St")
    expect(field(later, "Suite or unit")).to_have_value("Suite 4")
    expect(field(later, "City")).to_have_value("New York")
    expect(field(later, "State")).to_have_value("NY")
    expect(field(later, "ZIP code")).to_have_value("10001")
    expect(later.get_by_label("New York", exact=True)).to_be_checked()
    expect(later.get_by_label("New Jersey", exact=True)).to_be_checked()
    expect(later.get_by_label("Texas", exact=True)).not_to_be_checked()
    expect(field(later, "Directory bio")).to_have_value(BIO)

    # Complete everything and submit.
    field(later, "Profile photo").set_input_files(photo_file(tmp_path))
    for label in ("Anxiety", "Trauma and PTSD", "Cognitive behavioral therapy (CBT)", "EMDR", "Adults"):
        later.get_by_label(label, exact=True).check()
    later.get_by_label("English", exact=True).check()
    later.get_by_label("Spanish", exact=True).check()
    later.get_by_label("I offer telehealth sessions").check()
    later.get_by_role("button", name="Submit form").click()

    submitted = later.get_by_test_id("submitted")
    expect(submitted).to_have_text("Thank you, your General Onboarding form is in")
    expect(later.locator("main")).to_contain_text("Step 2 of 6 is the Insurance Form")
    # On-commit ran the (eager) task before the redirect, so the page can say it was sent.
    expect(later.locator("main")).to_contain_text(f"We emailed it to {provider.email} on")
    later.screenshot(path="/tmp/alma-form-submitted-desktop.png")  # noqa: S108

    # The transition and its email, as the database and the email provider saw them.
    record = GeneralOnboarding.objects.get(provider=provider)
    assert record.status == GeneralOnboarding.Status.SUBMITTED
    assert record.submitted_at is not None
    assert record.offers_telehealth is True
    assert record.offers_in_person is False
    assert record.states_licensed == ["NJ", "NY"]
    assert record.specialties == ["anxiety", "trauma"]
    assert record.languages == ["en", "es"]
    assert record.photo.name.startswith(f"providers/{provider.public_id}/")
    assert record.photo.name.endswith(".png")
    assert Path(record.photo.path).read_bytes() == photo_file(tmp_path).read_bytes()
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.GENERAL_ONBOARDING_SUBMITTED

    row = OutboxEmail.objects.get(provider=provider, step=credentialing_emails.INSURANCE_FORM)
    assert row.sent_at is not None
    insurance = delivered_email(provider.email, "Step 2")
    assert insurance.extra_headers["Message-ID"] == row.message_id
    assert link_in(insurance).startswith(f"{live_server.url}/onboarding/{provider.public_id}/insurance-form/")

    # The first tab, still showing the draft, can no longer change the submitted form.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_test_id("submitted")).to_be_visible()
    assert GeneralOnboarding.objects.get(provider=provider).bio == BIO
    emails = OutboxEmail.objects.filter(provider=provider, step=credentialing_emails.INSURANCE_FORM)
    assert emails.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_form_fits_a_phone_screen(live_server, settings, new_context):
    settings.SITE_URL = live_server.url
    provider = ProviderFactory(legal_name="Dana Whitfield")
    link = link_in(delivered_email(provider.email, "Step 1"))

    page = open_page(new_context, PHONE, is_mobile=True, has_touch=True)
    page.goto(link)
    expect(page.get_by_role("heading", name="General Onboarding form")).to_be_visible()
    expect(page.get_by_role("button", name="Submit form")).to_be_in_viewport()  # the sticky action bar
    no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path=SCREENSHOT_PHONE, full_page=True)

    # With every error shown (long messages under narrow fields) it must still fit.
    field(page, "Contact phone").fill("12")
    page.get_by_role("button", name="Submit form").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_error_next_to(page, field(page, "Contact phone"), "Enter a valid phone number")
    no_horizontal_scroll(page, PHONE["width"])
    page.screenshot(path="/tmp/alma-form-phone-errors.png", full_page=True)  # noqa: S108
