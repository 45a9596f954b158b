"""A cache outage costs the fragment caches' pages speed, never the page: the directory's search
page and a FHIR searchset render everything themselves, byte for byte as with a working cache,
and say so in the log."""

import logging

import pytest
from django.core.cache import cache, caches
from redis.exceptions import ConnectionError as RedisConnectionError

from directory.models import DirectoryProfile
from tests.credentialing_factories import PayerFactory
from tests.directory_factories import live_providers

pytestmark = pytest.mark.django_db

PAGES = (
    "/directory/?payer=evergreen&state=NY",
    "/fhir/PractitionerRole?_include=PractitionerRole:practitioner&_include=PractitionerRole:location",
)


def unreachable(*args, **kwargs):
    raise RedisConnectionError("Error 111 connecting to redis:6379. Connection refused.")


def cut_off(monkeypatch) -> None:
    """The default cache as Django's Redis backend is with Redis gone: every call raises."""
    backend = caches["default"]
    for name in ("get", "get_many", "set", "set_many", "add", "incr", "delete", "delete_many", "touch"):
        monkeypatch.setattr(backend, name, unreachable)


@pytest.mark.parametrize("page", PAGES)
def test_with_the_cache_unreachable_the_page_is_served_whole(client, page, monkeypatch, caplog):
    payer = PayerFactory(name="Evergreen Health", slug="evergreen", states=["NY"])
    providers = live_providers(3, payer=payer)
    DirectoryProfile.objects.filter(provider__in=providers).update(
        offers_in_person=True, office_city="Albany", office_state="NY"
    )
    cache.clear()
    working = client.get(page)
    assert working.status_code == 200

    cut_off(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="alma.fragment_cache"):
        down = client.get(page)

    assert down.status_code == 200
    assert down.content == working.content
    assert "Fragment cache unreadable, rendering without it: ConnectionError" in caplog.text
    assert "not kept: ConnectionError" in caplog.text
