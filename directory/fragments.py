"""The search page's costly HTML, kept in the Django cache: each result card and the search form.

Rendering 20 cards and a form of about 130 options cost more than the page's queries (README,
"Performance"). Each fragment is stored under a digest of exactly what it shows, so an entry is
never stale and nothing has to invalidate it: a changed profile has other values, hence another
key, and shows its change on the next request. The digest also covers the language, the URL
prefix, the fragment's template and the code that renders it, so a deploy never serves old markup.

Nothing specific to a visitor or a request goes into a fragment. A fragment is rendered from its
values alone (no request, so no context processors, no CSRF token, no user), and the one
request-specific part of a card, the `?back=` query string of its link, is put in when the page
is assembled.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.defaultfilters import urlencode
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from alma.fragment_cache import fragments_get, fragments_set
from directory.forms import SearchForm

if TYPE_CHECKING:
    from directory.models import DirectoryProfile

CARD_TEMPLATE = "directory/result_card.html"
FORM_TEMPLATE = "directory/search_form.html"
# A key never goes stale (it names its content); the timeout only lets unused entries go, such
# as the forms of one-off free-text searches.
TIMEOUT = 24 * 60 * 60
# Where a card's link takes the page's query string. PostgreSQL text cannot hold a NUL, so no
# profile value can contain this and be mistaken for it.
_BACK = "\x00back\x00"
# The Python that shapes the markup besides the templates: this module and the form's widgets.
_CODE = (Path(__file__), Path(__file__).with_name("forms.py"))


def card_values(profile: DirectoryProfile) -> dict[str, Any]:
    """Everything a result card shows, and nothing else: the card template sees only these, so
    their digest names the card's HTML exactly."""
    return {
        "slug": profile.slug,
        "has_photo": bool(profile.photo),
        "name": profile.name_with_credentials,
        "accepting_new_clients": profile.accepting_new_clients,
        "offers_telehealth": profile.offers_telehealth,
        "offers_in_person": profile.offers_in_person,
        "office_city": profile.office_city,
        "office_state": profile.office_state,
        "specialties": [str(label) for label in profile.specialty_labels],
        "languages": [str(label) for label in profile.language_labels],
        "payers": [payer.name for payer in profile.payers],
    }


def result_cards(profiles: Iterable[DirectoryProfile], *, query: str) -> list[SafeString]:
    """The page's result cards as HTML, from the cache where it has them (one round trip for the
    page), their links carrying `query` back to this search."""
    values = [card_values(profile) for profile in profiles]
    keys = [_key("card", value) for value in values]
    cached = fragments_get(keys)
    rendered: dict[str, tuple[str, str]] = {}
    # As the page template wrote it: `?back={{ query|urlencode }}`, autoescaped.
    back = "?back=" + conditional_escape(urlencode(query)) if query else ""
    cards = []
    for key, value in zip(keys, values, strict=True):
        parts = cached.get(key)
        if parts is None:
            parts = rendered[key] = _render_card(value)
        head, tail = parts
        # Both parts came out of an autoescaping template and `back` is escaped.
        cards.append(mark_safe(head + back + tail))  # noqa: S308
    fragments_set(rendered, TIMEOUT)
    return cards


def search_form(form: SearchForm, *, more_filters: bool, searched: bool) -> SafeString:
    """The search form as HTML (templates/directory/search_form.html), cached under what it
    shows: the filter's choices (the payers are read per request, the rest is code), the values
    the visitor sent for its fields (not the page number), and the two switches."""
    data = None
    if form.is_bound:
        getlist = getattr(form.data, "getlist", None)
        data = {name: getlist(name) if getlist else [form.data.get(name)] for name in form.fields}
    key = _key(
        "form",
        {
            "payers": list(form.fields["payer"].choices),  # type: ignore[attr-defined]
            "choices": _choices_digest(translation.get_language()),
            "data": data,
            "more_filters": bool(more_filters),
            "searched": bool(searched),
        },
    )
    html = fragments_get([key]).get(key)
    if html is None:
        html = render_to_string(
            FORM_TEMPLATE, {"form": form, "more_filters": more_filters, "searched": searched}
        )
        fragments_set({key: str(html)}, TIMEOUT)
    return mark_safe(html)  # noqa: S308  (rendered by an autoescaping template)


def _render_card(value: dict[str, Any]) -> tuple[str, str]:
    marker = mark_safe(_BACK)  # noqa: S308  (a constant, no HTML in it)
    html = render_to_string(CARD_TEMPLATE, {"card": value, "back": marker}).strip()
    head, found, tail = html.partition(_BACK)
    if not found:
        raise RuntimeError(f"{CARD_TEMPLATE} no longer writes {{{{ back }}}} into the profile link")
    return head, tail


def _key(kind: str, value: dict[str, Any]) -> str:
    described = json.dumps(
        [_version(), translation.get_language(), get_script_prefix(), value],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return f"directory:{kind}:{hashlib.sha256(described.encode()).hexdigest()}"


def _version() -> str:
    # With DEBUG, templates are read again on every request; so is their digest.
    return _sources_digest() if settings.DEBUG else _sources_digest_once()


def _sources_digest() -> str:
    digest = hashlib.sha256()
    for name in (CARD_TEMPLATE, FORM_TEMPLATE):
        digest.update(get_template(name).template.source.encode())  # type: ignore[attr-defined]
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def _sources_digest_once() -> str:
    return _sources_digest()


@lru_cache(maxsize=16)
def _choices_digest(language: str | None) -> str:
    """The form's fixed choices (states, specialties, languages, session types) as shown in a
    language: code, so the same for the life of the process."""
    shown = [
        (name, [(str(code), str(label)) for code, label in getattr(field, "choices", [])])
        for name, field in SearchForm.base_fields.items()
        if name != "payer"
    ]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:16]
