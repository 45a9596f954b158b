"""The directory's fair daily order, materialised: `fair_rank` written by the midnight job and at
publish, the same order as md5(slug || day); the results count capped; the planner reading the
rank's index for page 1."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from credentialing.models import ApplicationStatus, PayerApplication
from directory import selectors
from directory import services as directory
from directory.models import DirectoryProfile
from directory.tasks import rank_profiles
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import Setup, bulk_providers, live_providers
from tests.helpers import attribute_of, elements, text_at

pytestmark = pytest.mark.django_db

SEARCH = "/directory/"


def slugs_on(response) -> list[str]:
    assert response.status_code == 200
    return [attribute_of(result, "data-slug") for result in elements(response.text, "li[data-slug]")]


def all_pages(client, query: str = "") -> list[str]:
    """Every result, following the Next links."""
    shown, number = [], 1
    while True:
        response = client.get(f"{SEARCH}?{query}&page={number}")
        shown += slugs_on(response)
        if 'rel="next"' not in response.text:
            return shown
        number += 1


def md5_order(slugs, day: dt.date) -> list[str]:
    """The order before it was materialised: md5(slug || day), as the public saw it."""
    return sorted(slugs, key=lambda slug: hashlib.md5(f"{slug}{day.isoformat()}".encode()).hexdigest())  # noqa: S324


def at(day: dt.date, hour: int = 9, minute: int = 0):
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def evergreen(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen")


def test_the_list_is_in_the_days_md5_order_all_day_and_a_new_one_the_next_day(client, evergreen):
    today = selectors.company_today()
    live_providers(45, payer=evergreen)
    live = list(selectors.live_profiles().values_list("slug", flat=True))
    first = all_pages(client)
    # Everyone once, in exactly the order the hash gave before (nobody moved by materialising).
    assert first == md5_order(live, today)
    assert all_pages(client) == first
    tomorrow = today + dt.timedelta(days=1)
    with at(tomorrow, 0, 0):
        assert rank_profiles.delay().get() == {"ranked": 45}
        second = all_pages(client)
    assert second == md5_order(live, tomorrow)
    assert second != first
    assert sorted(second) == sorted(first)


def test_the_rank_in_sql_is_the_rule_in_python(evergreen):
    live_providers(12, payer=evergreen)
    day = dt.date(2028, 2, 29)
    directory.profiles_fair_rank(today=day)
    for slug, rank, ranked_on in DirectoryProfile.objects.values_list("slug", "fair_rank", "fair_rank_on"):
        assert rank == selectors.fair_rank_of(slug, day)
        assert ranked_on == day
        assert 0 <= rank < 2**60  # a bigint, sign bit clear


def test_a_missed_midnight_run_leaves_yesterdays_order_never_a_broken_page(client, evergreen):
    today = selectors.company_today()
    live_providers(25, payer=evergreen)
    before = all_pages(client)
    with at(today + dt.timedelta(days=1)):
        # The worker was down at midnight: yesterday's order, everyone still there once.
        assert all_pages(client) == before
        assert "25 providers in the directory" in client.get(SEARCH).text


def test_the_rank_job_is_idempotent_per_day(evergreen):
    today = selectors.company_today()
    live_providers(10, payer=evergreen)  # published today: already ranked for today
    assert directory.profiles_fair_rank(today=today) == 0
    tomorrow = today + dt.timedelta(days=1)
    assert directory.profiles_fair_rank(today=tomorrow) == 10
    ranks = dict(DirectoryProfile.objects.values_list("pk", "fair_rank"))
    assert directory.profiles_fair_rank(today=tomorrow) == 0
    assert dict(DirectoryProfile.objects.values_list("pk", "fair_rank")) == ranks


def test_a_profile_published_during_the_day_takes_its_place_in_the_days_order(client, evergreen):
    today = selectors.company_today()
    live_providers(30, payer=evergreen)
    directory.profiles_fair_rank(today=today)
    long_ago = timezone.now() - dt.timedelta(days=400)
    bulk_providers(
        [Setup(name="Late Comer", effective=dt.date(2025, 1, 1), training_at=long_ago)], payer=evergreen
    )
    assert directory.profiles_publish_due().published  # the every-few-minutes sweep, mid-day
    newcomer = DirectoryProfile.objects.get(display_name="Late Comer")
    assert newcomer.fair_rank == selectors.fair_rank_of(newcomer.slug, today)
    shown = all_pages(client)
    assert shown == md5_order(selectors.live_profiles().values_list("slug", flat=True), today)
    assert newcomer.slug in shown
    # The midnight job has nothing to redo for it today.
    assert directory.profiles_fair_rank(today=today) == 0


def test_hidden_and_offboarded_profiles_are_never_listed_or_ranked(client, evergreen):
    today = selectors.company_today()
    providers = live_providers(5, payer=evergreen)
    hidden, offboarded = (DirectoryProfile.objects.get(provider=p) for p in providers[:2])
    directory.profile_hide(profile=hidden, actor=None, reason="Complaint under review")
    directory.profile_offboard(profile=offboarded, actor=None, reason="Left Alma")
    tomorrow = today + dt.timedelta(days=1)
    assert directory.profiles_fair_rank(today=tomorrow) == 3
    for profile in (hidden, offboarded):
        profile.refresh_from_db()
        assert profile.fair_rank_on == today  # left alone: not live
    shown = all_pages(client)
    assert len(shown) == 3
    assert hidden.slug not in shown
    assert offboarded.slug not in shown


# --- the count, capped ---------------------------------------------------------------------------


def test_past_the_cap_the_count_says_more_than_and_every_page_is_still_reachable(
    client, evergreen, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 30)
    live_providers(45, payer=evergreen)
    first = client.get(SEARCH).text
    assert text_at(first, "#results-title") == "More than 30 providers in the directory"
    assert "Page 1</span>" in first
    assert 'href="?page=2" rel="next"' in first
    # Page 2 is still "more than"; the last page knows the exact number again.
    assert "More than 30 providers" in client.get(f"{SEARCH}?page=2").text
    last = client.get(f"{SEARCH}?page=3").text
    assert text_at(last, "#results-title") == "45 providers in the directory"
    assert "Page 3 of 3" in last
    assert len(slugs_on(client.get(f"{SEARCH}?page=3"))) == 5
    assert len(set(all_pages(client))) == 45
    # A stale link past the end shows the last page: cold, a full count and the page again.
    cache.clear()
    with django_assert_num_queries(6):
        stale = client.get(f"{SEARCH}?page=9")
    assert slugs_on(stale) == slugs_on(client.get(f"{SEARCH}?page=3"))
    # Warm, the full count and the last page's start are known (search_cache): the payers of the
    # filter, the page from its start, the unranked after it (none), the page's payers.
    with django_assert_num_queries(4):
        assert slugs_on(client.get(f"{SEARCH}?page=9")) == slugs_on(stale)


def test_filtered_results_under_the_cap_are_counted_exactly(client, evergreen):
    live_providers(22, payer=evergreen)
    live_providers(3, payer=evergreen, states=["CA"])
    assert text_at(client.get(f"{SEARCH}?state=CA").text, "#results-title") == "3 providers match your search"
    page = client.get(f"{SEARCH}?state=NY&page=2").text
    assert text_at(page, "#results-title") == "22 providers match your search"
    assert "Page 2 of 2" in page


# --- the planner reads the rank's index ----------------------------------------------------------


def _plan(query) -> str:
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_page_one_reads_the_fair_rank_index_at_a_seeded_size():
    """At a few thousand live profiles in several states and with several payers, page 1 of the
    unfiltered list and of insurance + state is an index scan of directory_profile_fair (no sort of
    every live profile)."""
    today = selectors.company_today()
    long_ago = timezone.now() - dt.timedelta(days=400)
    payers = [PayerFactory(slug=f"payer-{n}") for n in range(4)]
    states = [["NY"], ["NJ", "NY"], ["CA"], ["TX"], ["FL", "GA"]]
    for index, payer in enumerate(payers):
        bulk_providers(
            [
                Setup(
                    effective=dt.date(2025, 1, 1),
                    training_at=long_ago,
                    states=states[(index + n) % len(states)],
                )
                for n in range(1000)
            ],
            payer=payer,
        )
    # As in a real network, most providers take the common payers: payer-1 covers most of them.
    PayerApplication.objects.bulk_create(
        PayerApplication(
            provider_id=provider_id,
            payer=payers[1],
            status=ApplicationStatus.APPROVED,
            effective_date=dt.date(2025, 1, 1),
        )
        for index, provider_id in enumerate(
            PayerApplication.objects.exclude(payer=payers[1]).values_list("provider_id", flat=True)
        )
        if index % 5
    )
    directory.profiles_publish_due()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for filters in (
        selectors.SearchFilters(),
        # As the search form asks: the payer's id known, a constant the planner can estimate.
        selectors.SearchFilters(payer="payer-1", payer_id=payers[1].pk, state="NY"),
    ):
        page_one = selectors.search_profiles(filters, today=today)[: selectors.PAGE_SIZE + 1]
        plan = _plan(page_one)
        assert "Scan using directory_profile_fair" in plan, plan
        assert "Sort" not in plan.split("Index Scan")[0], plan
