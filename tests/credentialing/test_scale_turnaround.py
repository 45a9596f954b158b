"""The payers' decision history is practice-wide (issue 14): read once into the cache instead of
once per dashboard or Insurance & Directories request, and read afresh as soon as a decision is
recorded, so every provider still sees the expected range the history gives."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credentialing.decision_clock import MIN_DECISIONS
from credentialing.models import ApplicationStatus
from credentialing.services import applications as services
from credentialing.turnaround import practice_turnaround, turnaround_table
from tests.credentialing.test_turnaround import (
    NY_WAITS,
    a_business_morning_days_ago,
    in_state,
    seed_history,
    statuses_of,
)
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def payers(db):
    return PayerFactory(name="Aetna", slug="aetna"), PayerFactory(name="Cigna", slug="cigna")


def history_queries(context: CaptureQueriesContext) -> int:
    return sum("percentile_cont" in query["sql"] for query in context.captured_queries)


def submitted_in_ny(payer):
    provider = in_state(ProviderFactory(), "NY")
    submitted_at = a_business_morning_days_ago(3)
    return provider, make_application(
        provider=provider, payer=payer, status=S.SUBMITTED, submitted_at=submitted_at
    )


def test_the_history_is_read_once_for_every_provider(payers):
    aetna, _ = payers
    seed_history(aetna, NY_WAITS, state="NY")
    first, _ = submitted_in_ny(aetna)
    second, _ = submitted_in_ny(aetna)

    with CaptureQueriesContext(connection) as cold:
        one = statuses_of(first)["aetna"]
    with CaptureQueriesContext(connection) as warm:
        other = statuses_of(second)["aetna"]

    assert history_queries(cold) == 1
    assert history_queries(warm) == 0
    assert one.basis.startswith("From 5 recent decisions by Aetna for providers practising in NY")
    assert one == other


def test_the_cached_history_says_what_the_query_says(payers):
    aetna, cigna = payers
    seed_history(aetna, NY_WAITS, state="NY")
    seed_history(aetna, [40] * MIN_DECISIONS, state="NJ")
    seed_history(cigna, [10] * MIN_DECISIONS, state="NY")
    provider, _ = submitted_in_ny(aetna)
    make_application(
        provider=provider, payer=cigna, status=S.SUBMITTED, submitted_at=a_business_morning_days_ago(3)
    )

    now = timezone.now()
    statuses_of(provider, now=now)  # fills the cache with every payer's history
    with CaptureQueriesContext(connection) as warm:
        cached = statuses_of(provider, now=now)
    cache.clear()
    queried = statuses_of(provider, now=now)

    assert history_queries(warm) == 0
    assert cached == queried
    assert "practising in NY" in cached["aetna"].basis
    assert "practising in NY" in cached["cigna"].basis
    # One payer's part of the practice-wide table is what the query filtered on that payer finds.
    assert practice_turnaround(payer_ids=[aetna.pk], now=now) == turnaround_table(
        payer_ids=[aetna.pk], now=now
    )


def test_a_decision_recorded_reaches_the_next_page_at_once(payers):
    """Below MIN_DECISIONS the page falls back to the payer-wide figure or the promise; the
    decision that makes the count is seen by the very next request, not after the cache expires."""
    aetna, _ = payers
    seed_history(aetna, [20] * (MIN_DECISIONS - 1), state="NY")
    provider, _ = submitted_in_ny(aetna)
    before = statuses_of(provider)["aetna"]
    assert before.basis.startswith("Alma's 45-day promise")

    other = in_state(ProviderFactory(), "NY")
    submitted_at = a_business_morning_days_ago(30)
    application = services.application_request(
        provider=other, payer=aetna, actor=other.user, now=submitted_at - dt.timedelta(hours=1)
    )
    services.application_submit(application=application, actor=None, now=submitted_at)
    services.application_deny(application=application, actor=None, reason="Panel closed")

    after = statuses_of(provider)["aetna"]
    assert after.basis.startswith("From 5 recent decisions by Aetna for providers practising in NY")


def test_each_new_payer_is_in_the_cached_history(db):
    """The table is computed for every payer, so a provider applying to a payer nobody else
    applied to yet reads the same cache entry and falls back to the promise there."""
    quiet = PayerFactory(name="Quiet", slug="quiet")
    provider, _ = submitted_in_ny(quiet)
    assert statuses_of(provider)["quiet"].basis.startswith("Alma's 45-day promise")
