"""The provider's own credentialing file: what was verified, with whom and when, in their words;
their own file only; staff names and notes never shown; a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.decision_factories import decide
from tests.factories import ProviderFactory
from tests.helpers import attribute_of, element, elements, text_at, text_of
from tests.verification_factories import file_provider, record, verifier, verify_all
from verification.file import file_entries
from verification.models import VerificationResult

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
URL = "/portal/credentialing-file/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 15, 16, tzinfo=dt.UTC), tick=False):
        yield


def rows(html: str) -> dict[str, str]:
    items = element(html, "section#file-items")
    return {text_at(row, "span[data-item-label]"): text_of(row) for row in elements(items, "li[data-state]")}


def test_the_address_is_under_the_practice_menu(client):
    provider = file_provider()
    client.force_login(provider.user)
    html = client.get(reverse("insurance:overview")).text
    nav = element(html, "nav#site-nav")
    [link] = [a for a in elements(nav, "a") if attribute_of(a, "href") == URL]
    assert text_at(link, "a") == "Credentialing file"
    assert reverse("verification:my_file") == URL


def test_the_provider_sees_each_item_verified_or_waiting_with_its_source_and_date(client):
    provider = file_provider()
    licence, *_ = [entry for entry in file_entries(provider) if entry.is_psv]
    record(provider, licence, verified_on=TODAY - dt.timedelta(days=3), notes="Called Ms Board at ext 4")
    client.force_login(provider.user)

    html = client.get(URL).text
    shown = rows(html)
    assert "Verified with State licensing board on June 12, 2026" in shown[licence.item.label]
    assert "Waiting for our team to verify" in shown["Malpractice-claims history (NPDB query)"]
    assert "1 of" in text_at(html, "#file-items")
    # Staff-side details stay there: the verifier and their notes.
    assert verifier().email not in html
    assert "Ms Board" not in html
    assert "Not decided yet" in text_at(html, "#file-decision")


def test_an_old_or_refuted_verification_is_explained(client):
    provider = file_provider()
    licence, education, *_ = [entry for entry in file_entries(provider) if entry.is_psv]
    record(provider, licence, verified_on=TODAY - dt.timedelta(days=121))
    record(provider, education, verified_on=TODAY - dt.timedelta(days=2), result=VerificationResult.NOT_FOUND)
    client.force_login(provider.user)

    shown = rows(client.get(URL).text)
    assert "we verify it again before the committee decides" in shown[licence.item.label]
    assert "did not confirm it on June 13, 2026" in shown[education.item.label]


def test_the_decision_and_the_recredentialing_date_are_shown(client):
    provider = file_provider()
    decide(provider, decided_on=TODAY - dt.timedelta(days=10))
    client.force_login(provider.user)

    decision = text_at(client.get(URL).text, "#file-decision")
    assert "Approved on June 5, 2026" in decision
    assert "Recredentialing is due by June 5, 2029" in decision


def test_before_the_insurance_form_the_page_says_when_the_file_starts(client):
    provider = ProviderFactory()
    client.force_login(provider.user)
    html = client.get(URL).text
    assert "Your file starts when you submit the Insurance Form" in text_at(html, "#file-items")
    assert "once you submit the Insurance Form" in text_at(html, "#file-npi")


def test_a_provider_sees_only_their_own_file(client):
    mine = file_provider(legal_name="Ada Brennan")
    theirs = file_provider(legal_name="Bo Castillo")
    verify_all(theirs, verified_on=TODAY - dt.timedelta(days=1))
    client.force_login(mine.user)
    html = client.get(URL).text
    assert "Verified with" not in text_at(html, "#file-items")
    assert "Bo Castillo" not in html


@pytest.mark.parametrize("licences", [1, 8])
def test_the_page_costs_the_same_at_1_and_8_licences(client, licences, django_assert_num_queries):
    provider = file_provider(licences=licences)
    verify_all(provider, verified_on=TODAY - dt.timedelta(days=1))
    client.force_login(provider.user)
    client.get(URL)
    # Session + user, the provider, the file (form, licences, education, verifications), the two
    # exclusion reads, the NPI check, the decisions.
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert len(elements(response.text, "li[data-state]")) == licences + 5
