"""Staff record a signed membership agreement on Membership agreements (issue 12, staff side).

The button used to live on the Providers list only, the Signed-at field started empty, and a
field's error was printed above its label, where it read as the previous field's.
"""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from onboarding.models import MembershipAgreement, Provider
from tests.helpers import attribute_of, element, elements, new_york, staff_user, text_at

pytestmark = pytest.mark.django_db

RECORD_URL = "admin:onboarding_membershipagreement_record"
AGREEMENTS_URL = "admin:onboarding_membershipagreement_changelist"


def agreement(**overrides) -> dict:
    form = {
        "legal_name": "Ada Brennan",
        "email": "ada@example.com",
        "license_type": "LMFT",
        "contracted_start_date": (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
        "signed_at": timezone.localtime(timezone.now() - dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
    }
    return form | overrides


@pytest.fixture
def support(client):
    """Support staff as roles.py makes them: they may record agreements."""
    permissions = ("view_membershipagreement", "add_membershipagreement", "view_provider")
    client.force_login(staff_user("support@alma.test", *permissions))
    return client


def test_the_agreement_list_offers_record_signed_agreement(support):
    page = support.get(reverse(AGREEMENTS_URL))
    assert page.status_code == 200
    button = element(page.text, "a#record-agreement")
    assert text_at(button, "a") == "Record signed agreement"
    assert attribute_of(button, "href") == reverse(RECORD_URL)
    # The Providers list keeps a link to the same page.
    providers = support.get(reverse("admin:onboarding_provider_changelist")).text
    assert attribute_of(element(providers, "a#record-agreement"), "href") == reverse(RECORD_URL)


def test_staff_record_an_agreement_from_the_agreement_list(
    support, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = support.post(reverse(RECORD_URL), agreement())
    provider = Provider.objects.get(user__email="ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:onboarding_provider_change", args=[provider.pk])
    assert provider.agreement.source == MembershipAgreement.Source.ADMIN
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]

    listed = support.get(reverse(AGREEMENTS_URL))
    assert [row.provider for row in listed.context["cl"].result_list] == [provider]


def test_recording_needs_the_permission_on_the_page_and_on_its_post(client):
    viewer = staff_user("viewer@alma.test", "view_membershipagreement", "view_provider")
    client.force_login(viewer)
    assert client.get(reverse(RECORD_URL)).status_code == 403
    assert client.post(reverse(RECORD_URL), agreement()).status_code == 403
    assert not Provider.objects.exists()
    page = client.get(reverse(AGREEMENTS_URL)).text
    assert not elements(page, "a#record-agreement")

    viewer.user_permissions.add(Permission.objects.get(codename="add_membershipagreement"))
    assert client.get(reverse(RECORD_URL)).status_code == 200


def test_the_old_providers_address_still_opens_the_page(support):
    page = support.get(reverse("admin:onboarding_provider_record_agreement"))
    assert page.status_code == 200
    assert element(page.text, "form#record-agreement-form")


# Late evening in New York is already the next day in UTC: the default must be company time.
@time_machine.travel(new_york(2026, 11, 20, 23, 30, 40), tick=False)
def test_signed_at_starts_at_now_on_the_company_clock_and_can_be_kept(support):
    page = support.get(reverse(RECORD_URL))
    signed_at = element(page.text, "input[name=signed_at]")
    assert attribute_of(signed_at, "value") == "2026-11-20 23:30"

    response = support.post(reverse(RECORD_URL), agreement(signed_at="2026-11-20 23:30"))
    assert response.status_code == 302
    assert MembershipAgreement.objects.get().signed_at == new_york(2026, 11, 20, 23, 30)


def test_each_error_is_shown_after_its_own_field_and_named_in_its_description(support):
    tomorrow = timezone.localtime(timezone.now() + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = support.post(
        reverse(RECORD_URL), agreement(signed_at=tomorrow, contracted_start_date="", email="ada")
    )
    assert response.status_code == 200
    page = unescape(response.text)
    assert text_at(page, "#form-errors") == "Please correct the errors below."

    signed_at_row = element(page, "[data-field=signed_at]")
    assert "The agreement cannot be signed in the future." in text_at(signed_at_row, "#id_signed_at_error")
    # After the input it belongs to, not above its label (where it read as the previous field's).
    assert signed_at_row.index('id="id_signed_at"') < signed_at_row.index('id="id_signed_at_error"')
    assert "signed in the future" not in text_at(page, "[data-field=contracted_start_date]")
    assert "This field is required." in text_at(page, "#id_contracted_start_date_error")
    assert "Enter a valid email address." in text_at(page, "#id_email_error")

    # Every id an input's description points at is on the page (a screen reader reads them).
    for control in elements(page, "input[aria-describedby]"):
        for described_by in attribute_of(control, "aria-describedby").split():
            assert re.search(rf'id="{described_by}"', page), described_by
    signed_at = element(signed_at_row, "input#id_signed_at")
    assert attribute_of(signed_at, "aria-invalid") == "true"
    assert attribute_of(signed_at, "aria-describedby") == "id_signed_at_helptext id_signed_at_error"
    assert attribute_of(signed_at, "value") == tomorrow  # what was typed is kept
    assert not Provider.objects.exists()


def test_an_email_that_already_has_an_account_is_refused_beside_the_email(support):
    support.post(reverse(RECORD_URL), agreement())
    again = support.post(reverse(RECORD_URL), agreement(legal_name="Ada B. Brennan"))
    assert again.status_code == 200
    assert text_at(again.text, "#id_email_error") == "ada@example.com already has an account."
    assert Provider.objects.count() == 1
