"""The credentialing file, end to end in a real browser (issue 13's acceptance journey): a member of
credentialing staff who also sits on the Credentialing Committee signs in with their authenticator
app, records a primary-source verification of each required item on the provider's file page,
clears the provider's possible exclusion match in the queue with a reason, and records the
committee's approval; the provider then sees the decision on their dashboard.

The clock is not frozen (the live server runs in this process); every date the test reads is built
from the day it runs."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.roles import roles_sync
from exclusions import services as exclusion_services
from exclusions.models import CaseStatus, ExclusionCase
from onboarding.models import OutboxEmail
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    assert_error_next_to,
    no_horizontal_scroll,
    open_page,
    staff_sign_in,
)
from tests.browser.test_dashboard_journey import signed_in_page
from tests.exclusions_factories import leie_file, leie_row, sam_file, sam_row
from tests.helpers import PDF, staff_user
from tests.verification_factories import file_provider
from verification.file import file_entries
from verification.models import CredentialingDecision, PrimarySourceVerification

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_EMAIL = "maria.credentialing@alma.test"
# Each item's primary source as staff pick it on the Record verification page.
SOURCE_LABELS = {
    "state_license": "State licensing board",
    "education": "National Student Clearinghouse",
    "liability_insurance": "The insurance carrier",
    "malpractice_history": "National Practitioner Data Bank (NPDB)",
}


@pytest.fixture(autouse=True)
def _two_factor_for_staff(settings, rate_limits_reset):
    settings.STAFF_MFA_REQUIRED = True  # as in production: no admin page without the code step


def credentialing_staff_on_the_committee():
    """In both roles, as a small team's credentialing lead is (roles from accounts.roles)."""
    roles_sync()  # a transactional test empties the tables, the role groups with them
    staff = staff_user(STAFF_EMAIL)
    staff.groups.add(*Group.objects.filter(name__in=["Credentialing", "Credentialing Committee"]))
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    return staff, secret


def sign_in(page: Page, base_url: str, secret: str, next_path: str) -> None:
    staff_sign_in(page, base_url, STAFF_EMAIL, secret, next_path)


def screened_with_a_namesake(provider, folder):
    """This month's LEIE lists someone of the provider's name born the same day (another person);
    SAM lists nobody like them. Matching opens one possible-match case."""
    last, first = provider.legal_name.upper().split()[-1], provider.legal_name.upper().split()[0]
    namesake = leie_row(LASTNAME=last, FIRSTNAME=first, MIDNAME="T", DOB="19840314", STATE="",
                        CITY="TOLEDO", ADDRESS="4 LAKE RD", SPECIALTY="NURSE AIDE")  # fmt: skip
    today = timezone.localdate()
    leie = leie_file(folder, [namesake, leie_row(LASTNAME="NOBODY", FIRSTNAME="ELSE")])
    exclusion_services.list_import(source="leie", path=leie, file_date=today)
    sam = sam_file(folder, [sam_row(First="Casey", Last="Morgan")])
    exclusion_services.list_import(source="sam", path=sam, file_date=today)
    exclusion_services.exclusions_run(provider=provider, trigger="insurance form submitted")
    return ExclusionCase.objects.get(provider=provider)


def field(page: Page, label: str):
    """The control of exactly this label (admin writes labels with a colon: "Reason:")."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))


def status_of(page: Page, label: str):
    return (
        page.locator("#file-items tr")
        .filter(has=page.get_by_role("rowheader", name=label))
        .locator("[data-status]")
    )


def test_staff_verify_clear_and_approve_the_file_and_the_provider_sees_the_decision(
    live_server, new_context, tmp_path
):
    provider = file_provider(legal_name="Rosa Delgado")
    case = screened_with_a_namesake(provider, tmp_path)
    _staff, secret = credentialing_staff_on_the_committee()
    today = timezone.localdate()
    psv_items = [entry.item.label for entry in file_entries(provider) if entry.is_psv]
    assert len(psv_items) == 4  # the NY licence, the MSW, the liability insurance, the NPDB query

    page = open_page(new_context, DESKTOP)
    file_path = reverse("admin:verification_file", args=[provider.public_id])
    sign_in(page, live_server.url, secret, file_path)
    expect(page.get_by_role("heading", name="Credentialing file of Rosa Delgado")).to_be_visible()
    expect(page.locator("#file-summary")).to_contain_text("Not ready for a decision")
    for label in psv_items:
        expect(status_of(page, label)).to_have_text("Missing")
    expect(status_of(page, "Exclusion check: OIG LEIE")).to_have_text(
        "Not ready: a possible match is open; clear or confirm it first"
    )
    expect(status_of(page, "Exclusion check: SAM exclusions")).to_have_text("Ready")

    # 1. A verification of each item, from its primary source, with the evidence attached.
    for label in psv_items:
        page.get_by_role("link", name=f"Record verification of {label}").click()
        expect(page.get_by_role("heading", name=f"Record verification: {label}")).to_be_visible()
        kind = next(entry.kind.value for entry in file_entries(provider) if entry.item.label == label)
        field(page, "Primary source").select_option(label=SOURCE_LABELS[kind])
        field(page, "How it was checked").select_option(label="Source's website, printed or captured")
        expect(field(page, "Verified on")).to_have_value(today.isoformat())
        field(page, "Evidence").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Record the verification").click()
        expect(page).to_have_url(re.compile(re.escape(file_path) + "$"))
        expect(page.locator(".messagelist")).to_contain_text(f"Recorded: {label}, verified")
        expect(status_of(page, label)).to_have_text("Ready")
    assert (
        PrimarySourceVerification.objects.filter(provider=provider, verifier__email=STAFF_EMAIL).count() == 4
    )
    expect(page.locator("#file-reasons li")).to_have_count(1)  # only the open exclusion case is left

    # 2. The possible match, from the queue: the list row is another person.
    page.goto(f"{live_server.url}{reverse('admin:exclusions_exclusioncase_changelist')}")
    queued = page.locator("#result_list tbody tr").filter(has_text="ROSA T DELGADO")
    expect(queued).to_contain_text("Open")
    queued.get_by_role("link", name="Rosa Delgado").click()
    page.get_by_role("link", name="Clear (not the provider)").click()
    expect(page.get_by_text("Rosa Delgado and this LEIE list row")).to_be_visible()
    expect(page.locator(".exclusion-evidence")).to_contain_text("TOLEDO")
    page.get_by_role("button", name="Clear this match").click()  # no reason yet
    reason = field(page, "Reason")
    assert_error_next_to(page, reason, "This field is required.")  # exclusions.admin.DecisionForm's words
    reason.fill(
        "Listed person is a nurse aide in Toledo, middle name T; our provider's licence and NPI differ."
    )
    page.get_by_role("button", name="Clear this match").click()
    expect(page.locator(".messagelist")).to_contain_text("is not the provider")
    case.refresh_from_db()
    assert (case.status, case.decided_by.email) == (CaseStatus.CLEARED, STAFF_EMAIL)

    # 3. The file is ready; the committee approves it.
    page.goto(f"{live_server.url}{file_path}")
    expect(page.locator("#file-summary")).to_contain_text(
        f"Ready for a decision on {today:%-d %b %Y}: all 6 items are verified and fresh."
    )
    page.get_by_role("link", name="Record credentialing decision").click()
    expect(page.locator("#decision-readiness")).to_contain_text("Ready: all 6 items are verified")
    page.get_by_role("radio", name="Approve").check()
    expect(field(page, "Decided on")).to_have_value(today.isoformat())
    field(page, "Reason").fill("Every credential verified at its primary source; no exclusions.")
    page.get_by_role("button", name="Record the decision and email the provider").click()
    expect(page.locator(".messagelist")).to_contain_text(
        f"Recorded: approved on {today:%d %b %Y}. Rosa Delgado has been emailed the decision."
    )
    decision = CredentialingDecision.objects.get(provider=provider)
    assert (decision.outcome, decision.decided_by.email, decision.override_reason) == (
        CredentialingDecision.Outcome.APPROVED,
        STAFF_EMAIL,
        "",
    )
    assert OutboxEmail.objects.filter(provider=provider, step="credentialing_decision").count() == 1

    # 4. The provider, on their phone, sees the decision and when recredentialing falls due.
    due = today + relativedelta(months=36)
    provider_page = signed_in_page(new_context, live_server, provider, PHONE)
    provider_page.goto(f"{live_server.url}{reverse('portal:dashboard')}")
    card = provider_page.locator("#credentialing-decision")
    expect(card.get_by_role("heading", name="Credentialing decision")).to_be_visible()
    expect(card).to_contain_text(f"Approved on {today:%b} {today.day}, {today.year}.")
    expect(card).to_contain_text(f"Recredentialing due {due:%b} {due.day}, {due.year}.")
    no_horizontal_scroll(provider_page, PHONE["width"])


def test_the_file_page_fits_a_phone_with_its_items(live_server, new_context):
    provider = file_provider(legal_name="Rosa Delgado")
    _staff, secret = credentialing_staff_on_the_committee()
    page = open_page(new_context, PHONE)
    file_path = reverse("admin:verification_file", args=[provider.public_id])
    sign_in(page, live_server.url, secret, file_path)
    expect(page.get_by_role("rowheader", name="Malpractice-claims history (NPDB query)")).to_be_attached()
    no_horizontal_scroll(page, PHONE["width"])
