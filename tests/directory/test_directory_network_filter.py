"""The insurance filter of search reads the payers in network today materialised on the profile
(`network_payer_ids`): a payer withdrawn today leaves the filter today, a payer whose effective
date is tomorrow enters it at tomorrow's midnight ranking, and the payers shown stay right."""

import datetime as dt

import pytest
import time_machine

from credentialing.models import PayerApplication
from credentialing.services import applications as credentialing
from directory import selectors
from directory.models import DirectoryProfile
from directory.tasks import publish_due_profiles, rank_profiles
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import committed, make_live_provider

pytestmark = pytest.mark.django_db

SEARCH = "/directory/"


def listed(client, payer) -> bool:
    response = client.get(f"{SEARCH}?payer={payer.slug}")
    assert response.status_code == 200
    return 'data-slug="' in response.text


def at(day: dt.date, hour: int, minute: int = 0):
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=selectors.company_zone())
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def bluebird(db):
    return PayerFactory(name="Bluebird Health", slug="bluebird")


def test_a_payer_withdrawn_today_leaves_the_insurance_filter_today(client, bluebird):
    provider = make_live_provider()
    yesterday = selectors.company_today() - dt.timedelta(days=1)
    with committed():
        make_application(provider=provider, payer=bluebird, status="approved", effective_date=yesterday)
    assert listed(client, bluebird)

    with committed():
        credentialing.application_withdraw(
            application=PayerApplication.objects.get(provider=provider, payer=bluebird), actor=None
        )

    # Still live (its first payer stays), still listed for that payer, no longer for Bluebird.
    profile = DirectoryProfile.objects.get(provider=provider)
    assert profile.is_live
    first_payer = PayerApplication.objects.exclude(payer=bluebird).get(provider=provider).payer
    assert listed(client, first_payer)
    assert not listed(client, bluebird)
    assert "Bluebird Health" not in client.get(profile.get_absolute_url()).text


def test_a_payer_effective_tomorrow_enters_the_filter_at_tomorrows_midnight_run(client, bluebird):
    today = selectors.company_today()
    tomorrow = today + dt.timedelta(days=1)
    provider = make_live_provider()
    with committed():
        make_application(provider=provider, payer=bluebird, status="approved", effective_date=tomorrow)
    profile = DirectoryProfile.objects.get(provider=provider)

    assert not listed(client, bluebird)
    assert "Bluebird Health" not in client.get(profile.get_absolute_url()).text

    # Midnight: the ranking job writes the day's order and network, then the go-live sweep (00:05).
    with at(tomorrow, 0, 0):
        rank_profiles.delay()
    with at(tomorrow, 0, 5):
        publish_due_profiles.delay()
    with at(tomorrow, 9):
        assert listed(client, bluebird)
        assert "Bluebird Health" in client.get(profile.get_absolute_url()).text


def test_the_filter_and_the_applications_agree_for_every_payer(client, bluebird):
    """The materialised list is the rule's answer (credentialing.selectors.in_effect_on)."""
    today = selectors.company_today()
    providers = [make_live_provider() for _ in range(3)]
    with committed():
        make_application(provider=providers[0], payer=bluebird, status="approved", effective_date=today)
        make_application(provider=providers[1], payer=bluebird, status="submitted")
    expected = sorted(
        PayerApplication.objects.filter(status="approved", effective_date__lte=today)
        .values_list("provider_id", "payer_id")
        .distinct()
    )
    written = sorted(
        (profile.provider_id, payer_id)
        for profile in DirectoryProfile.objects.filter(is_live=True)
        for payer_id in profile.network_payer_ids
    )
    assert written == expected
