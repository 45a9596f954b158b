"""Ask the NPI registry about one NPI: the backend NPI_REGISTRY selects, a day's cache, a throttle.

- "http" (production): GET NPI_REGISTRY_URL?version=2.1&number=<npi> with httpx and a 5-second
  timeout. The registry answers HTTP 200 for a hit, for zero hits and for its Errors[] envelope:
  those are answers. A timeout, a network error, any other HTTP status or a body that is no
  documented envelope is a transient failure: RegistryUnavailable, and the caller tries later.
- "fixtures" (the embedded demo, the tests): the JSON file fixtures/<npi>.json beside this
  module; an NPI with no file gets the registry's zero-result envelope. No network at all.

Every answer is cached for a day (CACHE_SECONDS) in the Django cache with its retrieval time, so
the evidence says when the registry said it even when the cache answered. Failures are not cached.

The throttle keeps HTTP requests to REQUESTS_PER_SECOND across every process that shares the
cache (Redis in production): time is cut into slots of 1/REQUESTS_PER_SECOND seconds and a request
may start only in a slot it claimed with cache.add, which is atomic in Redis and memcached. A
caller that finds its slot taken waits for the next one, at most MAX_WAIT_SECONDS, then gives up
as a transient failure. With the local-memory cache (local development) it holds per process.
"""

import json
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from verification.npi_registry.parse import ZERO_RESULTS, Envelope, EnvelopeInvalid, envelope_parse

logger = logging.getLogger(__name__)

API_VERSION = "2.1"
TIMEOUT_SECONDS = 5.0
CACHE_SECONDS = 24 * 60 * 60
REQUESTS_PER_SECOND = 2
MAX_WAIT_SECONDS = 5.0
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
_NPI = re.compile(r"[0-9]{10}")


class RegistryUnavailable(Exception):
    """A transient failure: the registry did not answer (timeout, network, 5xx, busy throttle)."""


@dataclass(frozen=True)
class Answer:
    body: dict[str, Any]  # the envelope exactly as the registry sent it
    retrieved_at: datetime
    from_cache: bool

    @property
    def envelope(self) -> Envelope:
        return envelope_parse(self.body)


class Backend(Protocol):
    def fetch(self, npi: str) -> dict[str, Any]: ...


class Throttle:
    """At most `per_second` starts per second among all callers sharing the cache (see above)."""

    def __init__(
        self,
        *,
        per_second: float = REQUESTS_PER_SECOND,
        max_wait: float = MAX_WAIT_SECONDS,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        key_prefix: str = "verification:npi-registry:slot",
    ) -> None:
        self.slot_seconds = 1 / per_second
        self.max_wait = max_wait
        self.clock, self.sleep = clock, sleep
        self.key_prefix = key_prefix

    def wait(self) -> None:
        deadline = self.clock() + self.max_wait
        # Bounded by tries as well as by the deadline: a clock that does not move (a frozen test
        # clock, a stalled host) must give up too, never spin.
        for _try in range(math.ceil(self.max_wait / self.slot_seconds) + 2):
            now = self.clock()
            slot = math.floor(now / self.slot_seconds)
            # The wall clock, not a monotonic one: every process must agree on the slots.
            if cache.add(f"{self.key_prefix}:{slot}", 1, timeout=max(2, math.ceil(self.slot_seconds * 4))):
                return
            next_slot_at = (slot + 1) * self.slot_seconds
            if next_slot_at > deadline:
                raise RegistryUnavailable("Too many look-ups at once: the registry's throttle is full.")
            self.sleep(max(next_slot_at - now, 0.001))
        raise RegistryUnavailable("Too many look-ups at once: the registry's throttle is full.")


class HttpBackend:
    def __init__(self, *, url: str | None = None, throttle: Throttle | None = None) -> None:
        self.url = url or settings.NPI_REGISTRY_URL
        self.throttle = throttle or Throttle()

    def fetch(self, npi: str) -> dict[str, Any]:
        self.throttle.wait()
        try:
            response = httpx.get(
                self.url, params={"version": API_VERSION, "number": npi}, timeout=TIMEOUT_SECONDS
            )
        except httpx.TimeoutException as exc:
            raise RegistryUnavailable(
                f"The registry did not answer within {TIMEOUT_SECONDS:g} seconds."
            ) from exc
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(f"The registry could not be reached ({type(exc).__name__}).") from exc
        if response.status_code != httpx.codes.OK:
            raise RegistryUnavailable(f"The registry answered HTTP {response.status_code}.")
        try:
            body = response.json()
        except ValueError as exc:
            raise RegistryUnavailable("The registry's answer is not JSON.") from exc
        return body


class FixturesBackend:
    def __init__(self, directory: Path = FIXTURES_DIR) -> None:
        self.directory = directory

    def fetch(self, npi: str) -> dict[str, Any]:
        path = self.directory / f"{npi}.json"
        if not path.is_file():
            return dict(ZERO_RESULTS, results=[])
        return json.loads(path.read_text(encoding="utf-8"))


def backend() -> Backend:
    chosen = settings.NPI_REGISTRY
    if chosen == "http":
        return HttpBackend()
    if chosen == "fixtures":
        return FixturesBackend()
    raise ValueError(f'NPI_REGISTRY must be "http" or "fixtures", not {chosen!r}.')


def _cache_key(npi: str) -> str:
    return f"verification:npi-registry:v{API_VERSION}:{settings.NPI_REGISTRY}:{npi}"


def lookup(npi: str) -> Answer:
    """The registry's answer about `npi` (a hit, zero hits or its Errors[] envelope), from the
    cache when it answered in the last day; RegistryUnavailable when it cannot be asked now."""
    if not _NPI.fullmatch(npi):
        raise ValueError("An NPI is exactly 10 digits.")
    key = _cache_key(npi)
    cached = cache.get(key)
    if cached is not None:
        return Answer(body=cached["body"], retrieved_at=datetime.fromisoformat(cached["at"]), from_cache=True)
    body = backend().fetch(npi)
    try:
        envelope_parse(body)  # refuse (and never cache) an answer that is no documented envelope
    except EnvelopeInvalid as exc:
        raise RegistryUnavailable(str(exc)) from exc
    retrieved_at = timezone.now()
    cache.set(key, {"body": body, "at": retrieved_at.isoformat()}, CACHE_SECONDS)
    logger.info("NPI registry answered: %s result(s)", body.get("result_count", "errors"))
    return Answer(body=body, retrieved_at=retrieved_at, from_cache=False)
