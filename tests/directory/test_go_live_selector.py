"""`go_live_for_provider`, the one provider's go-live decision the Onboarding Dashboard and the
provider's directory page show, says what the publishing sweep does for that provider."""

import datetime as dt

import pytest

from credentialing.selectors import earliest_effective_date, effective_start_date
from directory import selectors
from directory import services as directory
from directory.golive import Basis, Blocker, go_live_decision
from directory.models import DirectoryProfile
from onboarding.models import Provider
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers
from tests.helpers import NEW_YORK

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)
MIDNIGHT_JOB = dt.datetime(2026, 6, 15, 0, 5, tzinfo=NEW_YORK)
LONG_AGO = dt.datetime(2026, 1, 10, 14, tzinfo=NEW_YORK)
DAY = dt.timedelta(days=1)

# One provider in each state the rule tells apart, by what the dashboard would say of it.
SETUPS = {
    "live": Setup(effective=TODAY - 40 * DAY, training_at=LONG_AGO, contracted=TODAY - 90 * DAY),
    "no training": Setup(effective=TODAY - 40 * DAY, training_at=None, contracted=TODAY - 90 * DAY),
    "no payer": Setup(effective=None, training_at=LONG_AGO, contracted=TODAY - 90 * DAY),
    "only payer withdrawn": Setup(
        effective=None, withdrawn_payer=True, training_at=LONG_AGO, contracted=TODAY - 90 * DAY, live=True
    ),
    "contracted date later": Setup(
        effective=TODAY - 40 * DAY, training_at=LONG_AGO, contracted=TODAY + 10 * DAY
    ),
    "effective date later": Setup(effective=TODAY + DAY, training_at=LONG_AGO, contracted=TODAY - 90 * DAY),
    # Yesterday evening in New York, already today in UTC: training counts for yesterday.
    "trained late yesterday evening": Setup(
        effective=TODAY - 40 * DAY,
        training_at=dt.datetime(2026, 6, 14, 23, 30, tzinfo=NEW_YORK),
        contracted=TODAY,
    ),
    "form not approved, no profile yet": Setup(
        effective=TODAY - 40 * DAY, training_at=LONG_AGO, contracted=TODAY - 90 * DAY, form_approved=False
    ),
    "hidden by staff": Setup(
        effective=TODAY - 40 * DAY, training_at=LONG_AGO, contracted=TODAY - 90 * DAY, hidden=True, live=True
    ),
    "offboarded": Setup(
        effective=TODAY - 40 * DAY, training_at=LONG_AGO, contracted=TODAY - 90 * DAY, offboarded=True
    ),
}


@pytest.fixture
def providers() -> dict[str, Provider]:
    built = bulk_providers(list(SETUPS.values()), payer=PayerFactory(), other_payer=PayerFactory())
    return dict(zip(SETUPS, built, strict=True))


def test_go_live_for_provider_agrees_with_the_publishing_sweep(providers):
    result = directory.profiles_publish_due(now=MIDNIGHT_JOB)
    assert result.disagreements == []
    live = set(DirectoryProfile.objects.filter(is_live=True).values_list("provider_id", flat=True))
    profiles = {
        row["provider_id"]: row
        for row in selectors.with_go_live_inputs(DirectoryProfile.objects.all()).values(
            "provider_id", *selectors.GO_LIVE_INPUTS
        )
    }

    decisions = {}
    for name, provider in providers.items():
        decision = selectors.go_live_for_provider(Provider.objects.get(pk=provider.pk))
        decisions[name] = decision
        # What the provider is told is what the sweep did...
        assert decision.is_live_on(TODAY) == (provider.pk in live), name
        # ... from the very inputs the sweep read for the profile (when there is one) ...
        if provider.pk in profiles:
            assert decision == selectors.decision_for(profiles[provider.pk]), name
        # ... and the pure rule on the state as it was set up.
        setup = SETUPS[name]
        assert decision == go_live_decision(
            effective_start_date=setup.effective,
            contracted_start_date=setup.contracted,
            training_completed_on=setup.training_at.astimezone(NEW_YORK).date()
            if setup.training_at
            else None,
            general_onboarding_approved=setup.form_approved,
            hidden_by_staff=setup.hidden,
            offboarded=setup.offboarded,
        ), name

    assert decisions["live"].go_live_on == TODAY - 40 * DAY
    assert decisions["no training"].blockers == (Blocker.TRAINING_NOT_DONE,)
    assert decisions["no payer"].blockers == (Blocker.NO_APPROVED_PAYER,)
    assert decisions["only payer withdrawn"].blockers == (Blocker.NO_APPROVED_PAYER,)
    assert decisions["contracted date later"].go_live_on == TODAY + 10 * DAY
    assert decisions["contracted date later"].basis == Basis.CONTRACTED_START
    assert decisions["effective date later"].go_live_on == TODAY + DAY
    assert decisions["trained late yesterday evening"].go_live_on == TODAY
    assert decisions["form not approved, no profile yet"].blockers == (Blocker.PROFILE_NOT_APPROVED,)
    assert not DirectoryProfile.objects.filter(
        provider=providers["form not approved, no profile yet"]
    ).exists()
    assert decisions["hidden by staff"].blockers == (Blocker.HIDDEN_BY_STAFF,)
    assert decisions["offboarded"].blockers == (Blocker.OFFBOARDED,)
    # The sweep published and took down what the selector says it should have.
    assert {c.provider_id for c in result.unpublished} == {
        providers["only payer withdrawn"].pk,
        providers["hidden by staff"].pk,
    }


def test_go_live_for_provider_costs_one_query_and_none_for_a_provider_loaded_with_its_inputs(
    providers, django_assert_num_queries
):
    provider = Provider.objects.get(pk=providers["contracted date later"].pk)
    with django_assert_num_queries(1):
        decision = selectors.go_live_for_provider(provider)
    loaded = selectors.with_provider_go_live_inputs(Provider.objects.filter(pk=provider.pk)).get()
    with django_assert_num_queries(0):
        assert selectors.go_live_for_provider(loaded) == decision
    assert decision.go_live_on == TODAY + 10 * DAY


def test_the_loaded_providers_reading_of_the_inputs_is_the_sql_one_in_every_state(
    providers, django_assert_num_queries
):
    # The Onboarding Dashboard reads the inputs from the rows it joined, not as SQL: both readings
    # must give every provider the same decision, and the earliest effective date read from the
    # applications must be credentialing's.
    loaded = Provider.objects.select_related(
        "general_onboarding", "training_progress", "directory_profile"
    ).prefetch_related("payer_applications")
    for name, provider in ((name, loaded.get(pk=p.pk)) for name, p in providers.items()):
        with django_assert_num_queries(0):
            start = earliest_effective_date(provider.payer_applications.all())
            decision = selectors.go_live_for_loaded_provider(provider, effective_start=start)
        assert start == effective_start_date(provider), name
        assert decision == selectors.go_live_for_provider(Provider.objects.get(pk=provider.pk)), name
