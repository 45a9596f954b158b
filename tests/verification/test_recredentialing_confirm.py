"""The provider's "Confirm your credentialing details" page: their own details only, one
attestation per recredentialing, and a way to say something changed."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.decision_factories import decide
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import elements, text_at, text_of
from verification.models import RecredentialingAttestation

pytestmark = pytest.mark.django_db

APPROVED_ON = dt.date(2023, 9, 1)  # recredentialing due 1 September 2026
TODAY = dt.date(2026, 7, 1)  # 62 days before: open
URL = "/portal/credentialing-file/confirm/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 7, 1, 16, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def credentialed(name: str, approved_on=APPROVED_ON):
    provider = ProviderFactory(legal_name=name)
    submit_general_onboarding(provider)
    submit_insurance_form(provider)
    decide(provider, decided_on=approved_on)
    return provider


def test_the_url_is_the_one_the_reminder_links_to():
    assert reverse("verification:confirm_details") == URL


def test_the_provider_sees_their_details_and_confirms_them_once(client):
    provider = credentialed("Ada Brennan")
    client.force_login(provider.user)

    html = client.get(URL).text
    assert "Yours is due by September 1, 2026" in text_at(html, "#recredentialing-status")
    assert len(elements(html, "li[data-licence]")) == 1
    assert "NY LCSW licence R-081234" in text_at(html, "#details-on-file")
    assert "CM&F Group, policy PL-55821" in text_of(html)
    assert "Tell us what changed" in text_at(html, "#something-changed")

    response = client.post(URL, follow=True)
    assert "you confirmed your details are still right" in text_of(response.text)
    assert "You confirmed these on July 1, 2026" in text_at(response.text, "#attested")
    assert "These are still right" not in response.text
    client.post(URL)  # a second press changes nothing
    [attestation] = RecredentialingAttestation.objects.all()
    assert attestation.provider == provider
    assert attestation.due_on == dt.date(2026, 9, 1)
    assert attestation.details["licenses"][0]["number"] == "R-081234"


def test_a_provider_sees_only_their_own_details_and_their_own_clock(client):
    credentialed("Ada Brennan")
    other = credentialed("Bea Okafor", approved_on=dt.date(2025, 1, 6))  # due 2028: not open yet
    client.force_login(other.user)

    html = client.get(URL).text
    assert "Yours is due by January 6, 2028" in text_at(html, "#recredentialing-status")
    assert "Ada Brennan" not in html
    assert "These are still right" not in html  # nothing to confirm yet
    assert "R-081234" in text_at(html, "#details-on-file")  # their own licence (the factory's number)

    response = client.post(URL, follow=True)
    assert "There is no recredentialing to confirm your details for right now." in text_of(response.text)
    assert not RecredentialingAttestation.objects.filter(provider=other).exists()


def test_a_provider_never_approved_has_nothing_to_confirm(client):
    provider = ProviderFactory()
    client.force_login(provider.user)
    html = client.get(URL).text
    assert "There is nothing to confirm right now." in text_at(html, "#recredentialing-status")


def test_past_the_grace_the_page_says_initial_credentialing_again(client):
    provider = credentialed("Ada Brennan", approved_on=dt.date(2023, 5, 1))  # due 1 May 2026
    client.force_login(provider.user)
    html = client.get(URL).text
    assert "you will go through credentialing from the start again" in text_at(
        html, "#recredentialing-status"
    )
    assert "These are still right" not in html


def test_staff_and_visitors_get_no_such_page(client, admin_user):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(admin_user)
    assert client.get(URL).status_code == 404
    assert client.post(URL).status_code == 404
