"""A search's count and its pages' starts, kept while the directory is unchanged (directory/search_cache.py):
what visitors see never lags a change made through the model or the services."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory import search_cache, selectors
from directory import services as directory
from directory.models import DirectoryProfile
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import live_providers
from tests.helpers import attribute_of, elements, text_at

pytestmark = pytest.mark.django_db

SEARCH = "/directory/"


@pytest.fixture
def evergreen(db):
    return PayerFactory(name="Evergreen Health", slug="evergreen")


def title(client, query: str = "") -> str:
    return text_at(client.get(f"{SEARCH}{query}").text, "#results-title")


def slugs_on(response) -> list[str]:
    assert response.status_code == 200
    return [attribute_of(result, "data-slug") for result in elements(response.text, "li[data-slug]")]


def every_page(client, *, cold: bool) -> list[str]:
    """Every result, following the Next links; `cold` forgets what the cache knows before each page."""
    shown, number = [], 1
    while True:
        if cold:
            cache.clear()
        response = client.get(f"{SEARCH}?page={number}")
        shown += slugs_on(response)
        if 'rel="next"' not in response.text:
            return shown
        number += 1


def test_providers_going_live_show_in_the_count_at_once(client, evergreen):
    live_providers(3, payer=evergreen, states=["CA"])
    assert title(client, "?state=CA") == "3 providers match your search"
    assert title(client, "?state=CA") == "3 providers match your search"  # the kept count
    live_providers(2, payer=evergreen, states=["CA"])  # published by the sweep: one UPDATE
    assert title(client, "?state=CA") == "5 providers match your search"


def test_a_profile_hidden_by_staff_leaves_the_count_at_once(client, evergreen, admin_user):
    providers = live_providers(3, payer=evergreen, states=["CA"])
    assert title(client, "?state=CA") == "3 providers match your search"
    directory.profile_hide(profile=providers[0].directory_profile, actor=admin_user, reason="Complaint")
    assert title(client, "?state=CA") == "2 providers match your search"


def test_a_payer_joining_the_network_moves_the_insurance_filters_count(client, evergreen):
    bluebird = PayerFactory(name="Bluebird Care", slug="bluebird")
    providers = live_providers(2, payer=evergreen)
    assert title(client, "?payer=bluebird") == "0 providers match your search"
    providers[0].payer_applications.update(payer=bluebird)
    directory.profiles_network_refresh(provider_ids=[providers[0].pk], today=selectors.company_today())
    assert title(client, "?payer=bluebird") == "1 provider matches your search"


def test_a_write_around_the_model_and_the_services_shows_within_the_timeout(client, evergreen):
    """The documented bound: an UPDATE from a shell moves no generation, so the kept count is
    stale until it expires (search_cache.TIMEOUT)."""
    live_providers(3, payer=evergreen, states=["CA"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert title(client, "?state=CA") == "3 providers match your search"
        DirectoryProfile.objects.filter(states_licensed__contains=["CA"]).update(accepting_new_clients=False)
        assert title(client, "?state=CA&accepting=on") == "0 providers match your search"  # a new search
        DirectoryProfile.objects.filter(states_licensed__contains=["CA"]).update(is_live=False)
        assert title(client, "?state=CA") == "3 providers match your search"
        clock.shift(dt.timedelta(seconds=search_cache.TIMEOUT + 1))
        assert title(client, "?state=CA") == "0 providers match your search"


def test_every_page_shows_the_same_profiles_found_by_offset_or_from_its_kept_start(
    client, evergreen, monkeypatch
):
    monkeypatch.setattr(selectors, "COUNT_CAP", 30)
    live_providers(65, payer=evergreen)
    # One live profile with no rank yet (made live outside publishing): it sorts last, by id.
    unranked = DirectoryProfile.objects.filter(is_live=True).order_by("pk").last()
    DirectoryProfile.objects.filter(pk=unranked.pk).update(fair_rank=None)
    search_cache.directory_changed()
    cold = every_page(client, cold=True)
    warm = every_page(client, cold=False)
    again = every_page(client, cold=False)  # every start known now
    assert cold == warm == again
    assert len(set(cold)) == 65
    assert cold[-1] == unranked.slug


def test_a_deep_page_reached_from_the_page_before_starts_from_its_place_in_the_index(client, evergreen):
    live_providers(70, payer=evergreen)
    client.get(f"{SEARCH}?page=2")  # learns where page 3 starts
    with CaptureQueriesContext(connection) as queries:
        third = client.get(f"{SEARCH}?page=3")
    page_query = next(q["sql"] for q in queries.captured_queries if '"fair_rank", ' in q["sql"])
    assert '"directory_directoryprofile"."id") > (' in page_query
    assert "OFFSET" not in page_query
    cache.clear()
    assert slugs_on(client.get(f"{SEARCH}?page=3")) == slugs_on(third)  # the same as by offset


def test_a_change_moves_the_generation_now_and_again_when_it_commits(django_capture_on_commit_callbacks):
    search_cache.known_for(selectors.SearchFilters(), today=dt.date(2026, 3, 2), cap=1000)
    before = cache.get(search_cache.GENERATION_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        search_cache.directory_changed()
        during = cache.get(search_cache.GENERATION_KEY)
    after = cache.get(search_cache.GENERATION_KEY)
    assert len(callbacks) == 1
    assert len({before, during, after}) == 3
