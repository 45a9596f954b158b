"""What a directory search has learnt about its own results, kept while the directory is unchanged:
the number of matches (capped, and the full count a stale deep link needed) and where each page
it has shown starts in the day's fair order.

Why: at national scale a search's page is cheap (the fair index walked to 21 matches), but its
count is not (the filters' GIN bitmaps combined for every match before the cap stops it: 7 of a
payer + state page's 18 ms at 100,000 providers), and neither is a deep page found by offset (the
index walked past every earlier match). Both are the same answer for every visitor until a live
profile changes, so the first request works them out and the next ones read them here.

Never stale past a change that goes through the model or the services. Every entry names the
directory's generation, a token in the cache that moves whenever a write changes what a search
can find: any DirectoryProfile save or delete (receivers below, so admin, services and tests alike),
and every bulk write of the services (`directory_changed()` beside each `.update()`). It moves
twice, when the write is made and again once it commits: a request that read the old generation
and counted before the commit can only store its count under a generation that has already
moved on. A write outside both (a shell, a data migration) shows in counts and deep pages within
`TIMEOUT`. The results themselves are never cached: each page's profiles are read fresh from
the index, the stored start only says where to begin reading.

A cache outage costs speed, never the page: an unreadable cache is a miss, an unwritable one
keeps nothing (alma.fragment_cache). A lost bump (the cache unreachable during a write, then
back with its old keys) is the one way to a stale count, for `TIMEOUT` at most.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from alma.fragment_cache import fragments_get, fragments_set
from directory.models import DirectoryProfile

if TYPE_CHECKING:
    from directory.selectors import SearchFilters

GENERATION_KEY = "directory:search:generation"
# The bound on staleness after a write that bypassed both the model and the services.
TIMEOUT = 10 * 60
# Page starts kept per search: a visitor paging on adds one a page; past this the oldest go.
MAX_STARTS = 200

logger = logging.getLogger(__name__)


@dataclass
class Known:
    """What is known of one search's results under `generation`. `starts` maps a page number to
    the (fair_rank, id) of the last profile before that page; rank None is an unranked profile."""

    generation: str
    counted: int | None = None  # the count capped at COUNT_CAP + 1
    full: int | None = None  # the uncapped count, once a page past the end needed it
    starts: dict[int, tuple[int | None, int]] = field(default_factory=dict)
    changed: bool = False  # something new learnt on this request, to be written back

    def learn_start(self, number: int, start: tuple[int | None, int]) -> None:
        if self.starts.get(number) != start:
            self.starts[number] = start
            self.changed = True


def _key(filters: SearchFilters, *, today: date, cap: int) -> str:
    # The payer's id is left out: it is looked up from the slug, which is in.
    wanted = {**asdict(filters), "payer_id": None, "today": today.isoformat(), "cap": cap}
    digest = hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()
    return f"directory:search:{digest}"


def _kept(key: str) -> tuple[str, dict | None]:
    """The current generation and what `key` holds under it (one round trip): None when the
    cache holds it for an older generation, not at all, or cannot be read."""
    found = fragments_get([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or _new_generation()
    stored = found.get(key)
    if isinstance(stored, dict) and stored.get("generation") == generation:
        return generation, stored
    return generation, None


def known_for(filters: SearchFilters, *, today: date, cap: int) -> tuple[str, Known]:
    """The search's key and what the cache knows of it under the current generation."""
    key = _key(filters, today=today, cap=cap)
    generation, stored = _kept(key)
    if stored is None:
        return key, Known(generation)
    starts = {int(number): (rank, pk) for number, (rank, pk) in stored.get("starts", {}).items()}
    return key, Known(generation, stored.get("counted"), stored.get("full"), starts)


def count_kept(queryset: QuerySet, count: Callable[[], int]) -> int:
    """`count()`, the number of rows of `queryset`, kept under the current generation like a
    search's: for other readers of the live profiles (the FHIR API's searchset totals). The key is
    the counted query's own SQL and parameters, so it names exactly what is counted, the day's
    date included."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return count()  # a filter that matches nothing (`pk__in=[]`): Django answers without SQL
    key = "directory:count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    generation, stored = _kept(key)
    if stored is not None:
        return stored["count"]
    counted = count()
    fragments_set({key: {"generation": generation, "count": counted}}, TIMEOUT)
    return counted


def remember(key: str, known: Known) -> None:
    """Keep what this request learnt (a no-op when it learnt nothing new)."""
    if not known.changed:
        return
    starts = dict(list(known.starts.items())[-MAX_STARTS:])
    value = {"generation": known.generation, "counted": known.counted, "full": known.full, "starts": starts}
    fragments_set({key: value}, TIMEOUT)


def _new_generation() -> str:
    """Set a generation when the cache has none (a cold or flushed cache); a concurrent request
    may win the race, and then its token is the one used."""
    token = secrets.token_hex(8)
    try:
        cache.add(GENERATION_KEY, token, timeout=None)
        return cache.get(GENERATION_KEY) or token
    except Exception as error:  # noqa: BLE001 - no cache: nothing is kept, the page counts itself
        logger.warning("Search cache unreadable, counting without it: %s", type(error).__name__)
        return token


def _bump() -> None:
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception as error:  # noqa: BLE001 - a write never fails because of the cache
        logger.warning(
            "Search cache generation not moved (counts may lag up to %s s): %s", TIMEOUT, type(error).__name__
        )


def directory_changed() -> None:
    """Every write that can change what a search finds calls this (or saves through the model):
    the generation moves now, and again when the write's transaction commits."""
    _bump()
    transaction.on_commit(_bump)


@receiver(post_save, sender=DirectoryProfile, dispatch_uid="directory.search_cache.saved")
@receiver(post_delete, sender=DirectoryProfile, dispatch_uid="directory.search_cache.deleted")
def _profile_written(sender, **kwargs) -> None:
    directory_changed()
