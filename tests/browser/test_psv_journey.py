"""Credentialing staff verify a licence at its primary source, as they click: signed in with their
authenticator app, from the provider's page to the credentialing file, "Record verification", an
error next to its field, the evidence attached, the item ready, the evidence downloaded; the file
fits a 390 px phone (its table scrolls in its own box).
"""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.pages import DESKTOP, assert_error_next_to, no_horizontal_scroll, open_page, staff_sign_in
from tests.helpers import PDF, staff_user
from tests.verification_factories import file_provider
from verification.models import PrimarySourceVerification

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_EMAIL = "psv.staff@alma.test"
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _two_factor_for_staff(settings, rate_limits_reset):
    settings.STAFF_MFA_REQUIRED = True


def test_staff_record_a_licence_verification_from_the_provider_page(live_server, new_context):
    staff = staff_user(
        STAFF_EMAIL,
        "view_provider",
        "verification.view_primarysourceverification",
        "verification.add_primarysourceverification",
    )
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    provider = file_provider(legal_name="Dana Whitfield")
    provider_page = reverse("admin:onboarding_provider_change", args=[provider.pk])

    page = open_page(new_context, DESKTOP)
    staff_sign_in(page, live_server.url, STAFF_EMAIL, secret, provider_page)

    # Nothing verified yet: the licence, education, insurance, NPDB and the two exclusion lists.
    expect(page.locator("#credentialing-file-summary")).to_contain_text("0 of 6 items ready, 6 missing")
    page.get_by_role("link", name="Open the credentialing file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Credentialing file of Dana Whitfield")
    licence = page.locator('tr[data-item="state_license:CA:LIC-0000"]')
    expect(licence.locator("td[data-status]")).to_have_text("Missing")

    licence.get_by_role("link", name=re.compile("^Record verification")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record verification: CA LCSW licence LIC-0000")
    # Only the licence's primary source is offered.
    expect(page.get_by_label("Primary source").locator("option")).to_have_text(["State licensing board"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("Verified on").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Record the verification").click()
    assert_error_next_to(
        page, page.get_by_label("Verified on"), "A verification cannot be dated in the future"
    )
    assert not PrimarySourceVerification.objects.exists()

    checked_on = timezone.localdate() - dt.timedelta(days=3)
    page.get_by_label("Verified on").fill(checked_on.isoformat())
    page.get_by_label("Evidence").set_input_files(
        {"name": "ca-board.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Notes").fill("CA BBS licence look-up, printed to PDF.")
    page.get_by_role("button", name="Record the verification").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Credentialing file of Dana Whitfield")
    expect(page.get_by_text("Recorded: CA LCSW licence LIC-0000, verified")).to_be_visible()
    expect(licence.locator("td[data-status]")).to_have_text("Ready")
    expect(licence).to_contain_text("3 days")
    saved = PrimarySourceVerification.objects.get()
    assert (saved.verified_on, saved.verifier.email) == (checked_on, STAFF_EMAIL)

    with page.expect_download() as download:
        licence.get_by_role("link", name="Evidence of CA LCSW licence LIC-0000").click()
    assert download.value.suggested_filename == f"verification-{saved.pk}-evidence.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.set_viewport_size(PHONE_390)
    no_horizontal_scroll(page, PHONE_390["width"])
