"""The cache of rendered fragments (the directory's result cards and search form, the FHIR API's
Bundle entries), read and written so that a cache outage costs speed, never the page.

A fragment's key is a digest of exactly what it shows, so a fragment is never stale and nothing
depends on the cache holding it: on a miss the caller renders it, as on a cold cache. Django's
Redis backend raises when Redis is unreachable; these treat that as a miss (and a write that
fails as done), log a warning, and let the page render everything itself. Other caches of the
portal (the payers' decision history, the articles) keep their own handling: their generation
keys make a silent failure a stale answer, not a slow one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def fragments_get(keys: Iterable[str]) -> dict[str, Any]:
    """The cached fragments of `keys` (those it holds); none when the cache cannot be read."""
    try:
        return cache.get_many(list(keys))
    except Exception as error:  # noqa: BLE001 - any cache failure is a miss, never a failed page
        logger.warning("Fragment cache unreadable, rendering without it: %s", type(error).__name__)
        return {}


def fragments_set(fragments: Mapping[str, Any], timeout: int) -> None:
    """Keep `fragments` for `timeout` seconds; a cache that cannot be written is left as it is."""
    if not fragments:
        return
    try:
        cache.set_many(dict(fragments), timeout)
    except Exception as error:  # noqa: BLE001 - the page is rendered already; only speed is lost
        logger.warning(
            "Fragment cache unwritable, %s fragment(s) not kept: %s", len(fragments), type(error).__name__
        )
