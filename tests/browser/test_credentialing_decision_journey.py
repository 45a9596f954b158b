"""The credentialing decision, as staff click it and as the provider then reads it: an Admin
signed in with their authenticator app records the last primary-source verification, clears a
possible exclusion match, finds the file ready on the provider's "Record credentialing decision"
page, approves it; the provider's dashboard shows "Approved on <date>; recredentialing due
<date>", and the page fits a 390 px phone.
"""

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from exclusions import services as exclusion_services
from exclusions.models import ExclusionCase
from exclusions.sources import LEIE_COLUMNS, SAM_ALL_COLUMNS
from tests.browser.pages import DESKTOP, no_horizontal_scroll, open_page, staff_sign_in
from tests.helpers import PDF, signed_in_client, staff_user
from tests.verification_factories import file_provider, record
from verification.file import file_entries
from verification.models import CredentialingDecision, VerifiedItem

pytestmark = pytest.mark.django_db(transaction=True)

STAFF_EMAIL = "committee.admin@alma.test"
PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _two_factor_for_staff(settings, rate_limits_reset):
    settings.STAFF_MFA_REQUIRED = True


def _lists_with_a_namesake(folder, today):
    """The LEIE with one row sharing the provider's NPI (a possible match staff must look at),
    and the SAM extract with someone else."""
    row = dict.fromkeys(LEIE_COLUMNS, "") | {
        "LASTNAME": "WHITFIELD", "FIRSTNAME": "DANE", "NPI": "1234567893", "DOB": "19610302",
        "STATE": "OH", "EXCLTYPE": "1128a1", "EXCLDATE": "20190321", "REINDATE": "00000000",
        "WAIVERDATE": "00000000",
    }  # fmt: skip
    path = folder / "UPDATED.csv"
    path.write_text(",".join(LEIE_COLUMNS) + "\n" + ",".join(row[name] for name in LEIE_COLUMNS) + "\n")
    exclusion_services.list_import(source="leie", path=path, file_date=today - dt.timedelta(days=5))
    sam_row = dict.fromkeys(SAM_ALL_COLUMNS, "") | {
        "Classification": "Individual", "Name": "LEE, PAT", "First": "PAT", "Last": "LEE",
        "Active Date": "01/05/2020", "SAM Number": "S4MRXQ1",
        "Exclusion Type": "Ineligible (Proceedings Completed)",
    }  # fmt: skip
    sam = folder / "SAM_Exclusions_Public_Extract.csv"
    sam.write_text(
        ",".join(f'"{name}"' for name in SAM_ALL_COLUMNS)
        + "\n"
        + ",".join(f'"{sam_row[name]}"' for name in SAM_ALL_COLUMNS)
        + "\n"
    )
    exclusion_services.list_import(source="sam", path=sam, file_date=today - dt.timedelta(days=3))


def test_staff_verify_clear_a_match_and_approve_and_the_provider_sees_the_decision(
    live_server, new_context, tmp_path
):
    today = timezone.localdate()
    staff = staff_user(STAFF_EMAIL)
    staff.groups.add(Group.objects.get(name="Admin"))
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    provider = file_provider(legal_name="Dana Whitfield")
    # Everything but the licence verified at its source a week ago.
    for entry in file_entries(provider):
        if entry.is_psv and entry.kind != VerifiedItem.STATE_LICENSE:
            record(provider, entry, verified_on=today - dt.timedelta(days=7))
    _lists_with_a_namesake(tmp_path, today)
    exclusion_services.exclusions_run(provider=provider, trigger="test")
    case = ExclusionCase.objects.get(provider=provider)
    provider_page = reverse("admin:onboarding_provider_change", args=[provider.pk])

    page = open_page(new_context, DESKTOP)
    staff_sign_in(page, live_server.url, STAFF_EMAIL, secret, provider_page)

    # The decision page first: not ready, and why.
    page.get_by_role("link", name="Record credentialing decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record credentialing decision: Dana Whitfield")
    reasons = page.locator("#readiness-reasons")
    expect(reasons).to_contain_text("CA LCSW licence LIC-0000: not verified yet")
    expect(reasons).to_contain_text("OIG LEIE")

    # The licence, verified at the state board from the file page.
    page.get_by_role("link", name="Open the credentialing file").click()
    licence = page.locator('tr[data-item="state_license:CA:LIC-0000"]')
    licence.get_by_role("link", name=re.compile("^Record verification")).click()
    page.get_by_label("Verified on").fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_label("Evidence").set_input_files(
        {"name": "ca-board.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Record the verification").click()
    expect(licence.locator("td[data-status]")).to_have_text("Ready")

    # The possible exclusion match: another person.
    page.goto(f"{live_server.url}{reverse('admin:exclusions_exclusioncase_decide', args=[case.pk, 'clear'])}")
    page.get_by_label("Reason").fill("Born 1961 in Ohio; our provider was born in 1984 in New York.")
    page.get_by_role("button", name="Clear this match").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Cleared: Dana Whitfield")

    # Now the file is ready: approve it.
    page.goto(f"{live_server.url}{reverse('admin:verification_decision_record', args=[provider.public_id])}")
    expect(page.locator("#decision-readiness")).to_contain_text("Ready: all")
    page.get_by_label("Approve").check()
    page.get_by_label("Reason").fill("Every credential verified at its source; no exclusion.")
    page.get_by_role("button", name="Record the decision and email the provider").click()
    expect(page.locator("ul.messagelist")).to_contain_text("Recorded: approved on")
    decision = CredentialingDecision.objects.get(provider=provider)
    assert decision.decided_by == staff
    assert decision.overridden_by is None
    assert decision.file_snapshot["ready"] is True

    # The provider, signed in, reads it on their dashboard.
    context = page.context
    context.clear_cookies()
    session = signed_in_client(provider.user).cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    page.goto(f"{live_server.url}{reverse('portal:dashboard')}")
    due = today + relativedelta(months=36)
    card = page.locator("#credentialing-decision")
    expect(card).to_contain_text(f"Approved on {today:%b} {today.day}, {today.year}.")
    expect(card).to_contain_text(f"Recredentialing due {due:%b} {due.day}, {due.year}.")
    page.set_viewport_size(PHONE_390)
    no_horizontal_scroll(page, PHONE_390["width"])
