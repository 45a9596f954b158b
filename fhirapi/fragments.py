"""A searchset's resources as JSON, each kept in the Django cache under a digest of what it is
built from, and the Bundle written around those JSON texts.

Building, validating and serialising the resources with fhir.resources was most of a Bundle
page's time (its validators and its serialiser are Python, model by nested model: a page of 20
roles with their practitioners spent ~80 % of its time there and ~16 % in its two queries; 50
roles with every include ~93 % and ~6 %). Every resource is
still built, validated and serialised by its R4B model; a page only skips doing that again for a
resource whose exact inputs it was already done for.

An entry's key is a digest of the builder's inputs (every profile field the selector reads, the
licence type, the payer, the dates, the site's origin and URL prefix) and of the code and
packages that shape the output, so an entry is never stale and nothing invalidates it: a
changed profile has other values, hence another key, and shows on its next request (as
directory/fragments.py does for the HTML result cards).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from django.urls import get_script_prefix, reverse
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.resource import Resource

from alma.fragment_cache import fragments_get, fragments_set

# A key never goes stale (it names its content); the timeout only lets unused entries go.
TIMEOUT = 24 * 60 * 60

# The Python that shapes a resource's JSON besides the inputs: the builders and what they read
# (codes, ids, the language names, the profile's name and URL), and the model packages.
_CODE = (
    Path(__file__),
    Path(__file__).with_name("builders.py"),
    Path(__file__).with_name("codes.py"),
    Path(__file__).with_name("ids.py"),
    Path(__file__).with_name("publishing.py"),
    Path(__file__).parent.parent / "onboarding" / "vocabulary.py",
    Path(__file__).parent.parent / "directory" / "models.py",
)
_PACKAGES = ("fhir.resources", "fhir-core", "pydantic", "pydantic-core")

# The envelope's one entry, a placeholder for the page's entries, and the JSON it serialises to.
# A JSON string escapes its quotes, so this text can only be the placeholder, never in a value.
_ENTRIES = "urn:fhirapi:entries"
_PLACEHOLDER = f'[{{"fullUrl":"{_ENTRIES}"}}]'


@dataclass(frozen=True)
class Entry:
    """One entry of a searchset: its resource is built by `build` unless the cache holds the
    entry's JSON for `inputs` (None: not cached, e.g. an OperationOutcome or a resource built
    already)."""

    full_url: str | None  # None: an OperationOutcome's entry has none
    mode: str
    build: Callable[[], Resource]
    inputs: dict[str, Any] | None
    last_updated: datetime | None


def searchset_json(*, total: int | None, links: list[dict], entries: list[Entry]) -> str:
    """The searchset Bundle's JSON: the envelope (type, total, links) built, validated and
    serialised by the R4B Bundle with one placeholder entry, which is then replaced by the
    entries' JSON, each serialised by its own R4B BundleEntry (now or on an earlier request).

    The envelope is validated without the entries so that their resources are not validated a
    second time inside it; tests/fhirapi parse every response, entries and resources included,
    back with the R4B Bundle."""
    texts = _entry_texts(entries)
    envelope = Bundle.model_validate(
        {
            "type": "searchset",
            "total": total,
            "link": links,
            "entry": [{"fullUrl": _ENTRIES}] if entries else None,
        }
    )
    text = envelope.model_dump_json()
    if not entries:
        return text
    head, found, tail = text.partition(_PLACEHOLDER)
    if not found or _PLACEHOLDER in tail:
        raise RuntimeError("The Bundle's JSON no longer writes its placeholder entry as expected")
    return f"{head}[{','.join(texts)}]{tail}"


def _entry_texts(entries: list[Entry]) -> list[str]:
    """Each entry's JSON, from the cache where it has it (one round trip for the page)."""
    keys = [
        _key({**entry.inputs, "fullUrl": entry.full_url, "mode": entry.mode})
        if entry.inputs is not None
        else None
        for entry in entries
    ]
    cached = fragments_get(key for key in keys if key is not None)
    built: dict[str, str] = {}
    texts = []
    for key, entry in zip(keys, entries, strict=True):
        text = cached.get(key) if key is not None else None
        if text is None:
            resource = entry.build()
            # The fullUrl was written from the id the page expected: it must be the resource's.
            if entry.full_url is not None and not entry.full_url.endswith(
                f"/{resource.get_resource_type()}/{resource.id}"
            ):
                raise RuntimeError(
                    f"{entry.full_url} was built as {resource.get_resource_type()}/{resource.id}"
                )
            text = BundleEntry.model_validate(
                {"fullUrl": entry.full_url, "resource": resource, "search": {"mode": entry.mode}}
            ).model_dump_json()
            if key is not None:
                built[key] = text
        texts.append(text)
    fragments_set(built, TIMEOUT)
    return texts


def _key(inputs: dict[str, Any]) -> str:
    described = json.dumps(
        [_version(), get_script_prefix(), inputs], sort_keys=True, separators=(",", ":"), default=str
    )
    return f"fhirapi:resource:{hashlib.sha256(described.encode()).hexdigest()}"


@lru_cache(maxsize=1)
def _version() -> str:
    """The code's and packages' digest, once per process (a code change restarts it). The
    profile URL's pattern comes from the URLconf, so a sample URL goes in too."""
    digest = hashlib.sha256()
    for path in _CODE:
        digest.update(path.read_bytes())
    for package in _PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}".encode())
    digest.update(reverse("directory:profile", args=["sample"]).encode())
    return digest.hexdigest()[:16]
