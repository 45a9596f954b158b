"""Reads of what the API publishes, set-based, with a fixed number of queries per page.

Published = the public directory: `directory.selectors.live_profiles()` (live; hidden and
offboarded profiles are never live), and for networks the payers in effect today by
`credentialing.selectors.in_effect_on` (the rule the directory's profile page and its
`network_payer_ids` use): a payer withdrawn today leaves at once, one effective tomorrow enters
at the company's midnight.

Every page is two queries, whatever `_include` asks (a COUNT and the page itself): the rows carry
all the builders need (`only()` + `select_related`), and the included resources are built from
those rows. Pages are keyset-paged in id order: (profile id, payer id) for roles, profile id
for practitioners and locations, (profile id, mode) for services, so a plan that pages while the
directory changes neither skips nor repeats a row that stayed.

`meta.lastUpdated`:
- Practitioner, Location, HealthcareService: the profile's `updated_at`. Every directory service
  that changes a published field bumps it (edit, accepting toggle, go-live, staff corrections of
  the name or licence type, which also rewrite `credentials`).
- PractitionerRole: the latest of the profile's `updated_at`, the payer decision (`decided_at`)
  and the company midnight that began the effective date (a future date enters the network with
  no write at all).
A role that leaves (a withdrawal, the profile hidden or offboarded) is simply no longer returned:
a searchset has no tombstones, so a plan reconciles ids on a full pull.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from credentialing.models import Payer, PayerApplication
from credentialing.selectors import in_effect_on
from directory.models import DirectoryProfile
from directory.search_cache import count_kept
from directory.selectors import live_profiles
from fhirapi import search
from fhirapi.ids import parse_role, parse_service
from fhirapi.search import LastUpdated, SearchParams

# What the builders read of a profile (not the bio, the photo or the search vector).
PROFILE_FIELDS = (
    "id",
    "slug",
    "display_name",
    "credentials",
    "languages",
    "states_licensed",
    "offers_telehealth",
    "offers_in_person",
    "practice_name",
    "office_city",
    "office_state",
    "accepting_new_clients",
    "updated_at",
)


@dataclass
class Page:
    rows: list[Any]
    total: int | None
    has_next: bool
    has_previous: bool
    first_key: tuple[int, ...] | None
    last_key: tuple[int, ...] | None


class _CompanyMidnight(Func):
    """The instant a company day (a date) began, in SQL: a future effective date enters the
    network then, with no write to date it.

    PostgreSQL converts in the company's time zone. SQLite (the local demo only; every test runs
    on PostgreSQL) knows no time zones: there the day begins at the zone's standard-time offset,
    an hour early in summer, which only moves a role's `meta.lastUpdated` in the demo."""

    output_field = DateTimeField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql}::timestamp AT TIME ZONE %s)", (*params, settings.COMPANY_TIME_ZONE)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        offset = _standard_offset_hours()
        return f"datetime({sql}, %s)", (*params, f"{-offset:+d} hours")


def _standard_offset_hours() -> int:
    """The company zone's offset from UTC in January, in whole hours (New York: -5)."""
    january = datetime(2026, 1, 15, 12, tzinfo=ZoneInfo(settings.COMPANY_TIME_ZONE))
    offset = january.utcoffset()
    return int(offset.total_seconds() // 3600) if offset else 0


def _company_midnight_of(field: str) -> Func:
    """The instant the company day `field` (a date) began (see _CompanyMidnight)."""
    return _CompanyMidnight(F(field))


def _last_updated_q(field: str, conditions: Sequence[LastUpdated]) -> Q:
    q = Q()
    for condition in conditions:
        if condition.ge is not None:
            q &= Q(**{f"{field}__gte": condition.ge})
        if condition.lt is not None:
            q &= Q(**{f"{field}__lt": condition.lt})
    return q


def _words_q(field: str, words: Sequence[str]) -> Q:
    """Any of `words` starts a word of `field` (FHIR string search: case-insensitive prefix)."""
    q = Q()
    for word in words:
        q |= Q(**{f"{field}__istartswith": word}) | Q(**{f"{field}__icontains": f" {word}"})
    return q


def _after(fields: Sequence[str], key: tuple[int, ...], *, after: bool) -> Q:
    """Rows strictly after (or before) `key` in the lexicographic order of `fields`."""
    op = "gt" if after else "lt"
    q = Q()
    for i, name in enumerate(fields):
        step = Q(**{f"{fields[j]}": key[j] for j in range(i)}) & Q(**{f"{name}__{op}": key[i]})
        q |= step
    return q


def _total(queryset: QuerySet, mode: str) -> int | None:
    """The matches' number as `_total` asks (search.TOTAL_MODES): none, capped or exact."""
    if mode == "none":
        return None
    # Kept while the live profiles are unchanged (directory.search_cache): a count of every
    # match grows with the directory, the page after a cursor does not. Any write that changes
    # what a search here matches is a profile write or a payer decision, which refreshes the
    # live profiles' network and so moves the generation (directory.services).
    if mode == "accurate":
        return count_kept(queryset.order_by(), queryset.count)
    capped_rows = queryset.order_by()[: search.TOTAL_CAP + 1]
    capped = count_kept(capped_rows, capped_rows.count)
    return capped if capped <= search.TOTAL_CAP else None


def _keyset_page(queryset: QuerySet, fields: Sequence[str], key_of, params: SearchParams) -> Page:
    """The page of `_count` rows after (or before) the cursor, in `fields` order: one COUNT (none
    with `_total=none`) and one read of count+1 rows (the extra one says whether another page
    follows)."""
    cursor, count = params.cursor, params.count
    total = _total(queryset, params.total)
    if count == 0:
        return Page([], total, False, False, None, None)
    after = cursor is None or cursor.after
    page = queryset
    if cursor is not None:
        page = page.filter(_after(fields, cursor.key, after=after))
    order = list(fields) if after else [f"-{name}" for name in fields]
    rows = list(page.order_by(*order)[: count + 1])
    more = len(rows) > count
    rows = rows[:count]
    if not after:
        rows.reverse()
    has_next = more if after else True
    has_previous = cursor is not None if after else more
    keys = [key_of(row) for row in rows]
    return Page(
        rows,
        total,
        has_next and bool(rows),
        has_previous,
        keys[0] if keys else None,
        keys[-1] if keys else None,
    )


# ---------------------------------------------------------------------------------------------
# PractitionerRole: one per (live profile, payer in effect today)


def _roles(today: date) -> QuerySet[PayerApplication]:
    profile = "provider__directory_profile__"
    return (
        # live_profiles()'s condition written on the join, not as `IN (live_profiles())`, so the
        # planner can start from a live profiles' index (directory_profile_office_state).
        PayerApplication.objects.filter(in_effect_on(today), provider__directory_profile__is_live=True)
        .select_related("payer", "provider__directory_profile")
        .only(
            "effective_date",
            "decided_at",
            "payer__name",
            "provider__license_type",
            *(f"{profile}{name}" for name in PROFILE_FIELDS),
        )
        .alias(profile_pk=F(f"{profile}id"))
        .annotate(
            last_updated=Greatest(
                F(f"{profile}updated_at"),
                F("decided_at"),
                _company_midnight_of("effective_date"),
            )
        )
    )


def _role_filters(params: SearchParams) -> Q:
    profile = "provider__directory_profile__"
    q = _last_updated_q("last_updated", params.last_updated)
    for name, values in params.criteria:
        if name == "_id":
            pairs = [pair for value in values if (pair := parse_role(value))]
            q &= Q(pk__in=[]) if not pairs else _any(Q(profile_pk=p, payer_id=y) for p, y in pairs)
        elif name == "specialty":
            q &= Q(provider__license_type__in=values)
        elif name == "network":
            q &= Q(payer_id__in=values)
        elif name == "practitioner":
            q &= Q(profile_pk__in=values)
        elif name == "organization":
            q &= Q() if "alma" in values else Q(pk__in=[])
        elif name == "practitioner.name":
            q &= _words_q(f"{profile}display_name", values)
        elif name == "location.address-state":
            q &= _has_office(profile) & Q(**{f"{profile}office_state__in": values})
        elif name == "location.address-city":
            q &= _has_office(profile) & _any(Q(**{f"{profile}office_city__iexact": v}) for v in values)
    return q


def _has_office(prefix: str = "") -> Q:
    """What builders.has_location says, in SQL: an in-person office with a city and a state."""
    return (
        Q(**{f"{prefix}offers_in_person": True})
        & ~Q(**{f"{prefix}office_city": ""})
        & ~Q(**{f"{prefix}office_state": ""})
    )


def _any(qs) -> Q:
    q = Q(pk__in=[])
    for each in qs:
        q |= each
    return q


def role_page(params: SearchParams, *, today: date) -> Page:
    roles = _roles(today).filter(_role_filters(params))
    return _keyset_page(roles, ("profile_pk", "payer_id"), _role_key, params)


def _role_key(row: PayerApplication) -> tuple[int, int]:
    return (row.provider.directory_profile.pk, row.payer_id)


def role(profile_pk: int, payer_pk: int, *, today: date) -> PayerApplication | None:
    return _roles(today).filter(provider__directory_profile__id=profile_pk, payer_id=payer_pk).first()


# ---------------------------------------------------------------------------------------------
# Practitioner, Location, HealthcareService: from live profiles


def _profiles() -> QuerySet[DirectoryProfile]:
    return (
        live_profiles()
        .only(*PROFILE_FIELDS)
        .annotate(license_type=F("provider__license_type"), last_updated=F("updated_at"))
    )


def _profile_filters(params: SearchParams) -> Q:
    q = _last_updated_q("updated_at", params.last_updated)
    for name, values in params.criteria:
        if name == "_id":
            # ASCII digits only: str.isdigit() also says yes to "²", which int() refuses.
            q &= Q(pk__in=[int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 18])
        elif name == "name":
            q &= _words_q("display_name", values)
        elif name == "address-state":
            q &= Q(office_state__in=values)
        elif name == "address-city":
            q &= _any(Q(office_city__iexact=v) for v in values)
    return q


def practitioner_page(params: SearchParams) -> Page:
    profiles = _profiles().filter(_profile_filters(params))
    return _keyset_page(profiles, ("pk",), lambda p: (p.pk,), params)


def location_page(params: SearchParams) -> Page:
    offices = _profiles().filter(_has_office()).filter(_profile_filters(params))
    return _keyset_page(offices, ("pk",), lambda p: (p.pk,), params)


def profile(pk: int) -> DirectoryProfile | None:
    return _profiles().filter(pk=pk).first()


# Services' keys are (profile id, mode rank): in person 0, telehealth 1 (their ids' order).
SERVICE_MODES = ("inperson", "virtual")


def _service_keys(profile: DirectoryProfile) -> list[tuple[int, int]]:
    offered = (profile.offers_in_person, profile.offers_telehealth)
    return [(profile.pk, rank) for rank, on in enumerate(offered) if on]


def _wanted_services(params: SearchParams) -> set[tuple[int, int]] | None:
    """The (profile id, rank) keys `_id` names (repeats AND), or None when it is not given."""
    wanted: set[tuple[int, int]] | None = None
    for values in params.values("_id"):
        keys = {
            (pk, SERVICE_MODES.index(mode))
            for value in values
            if (found := parse_service(value))
            for pk, mode in [found]
        }
        wanted = keys if wanted is None else wanted & keys
    return wanted


def _offers(wanted: set[tuple[int, int]] | None) -> tuple[Q, Q]:
    """What a profile's in-person and telehealth services each need to be matches: offered, and
    named by `_id` when it is given."""
    in_person, virtual = Q(offers_in_person=True), Q(offers_telehealth=True)
    if wanted is not None:
        in_person &= Q(pk__in=[pk for pk, rank in wanted if rank == 0])
        virtual &= Q(pk__in=[pk for pk, rank in wanted if rank == 1])
    return in_person, virtual


def _service_total(profiles: QuerySet, matching: Any, mode: str) -> int | None:
    """The matching services' number as `_total` asks: their sum over the profiles; capped, the
    sum over at most TOTAL_CAP + 1 profiles, none when there are more (more than the cap)."""
    if mode == "none":
        return None
    services = Sum(matching, output_field=IntegerField())
    if mode == "accurate":
        return profiles.aggregate(n=Coalesce(services, 0))["n"]
    first = profiles.order_by()[: search.TOTAL_CAP + 1]
    capped = first.aggregate(profiles=Count("pk"), n=Coalesce(services, 0))
    return capped["n"] if capped["profiles"] <= search.TOTAL_CAP else None


def service_page(params: SearchParams) -> Page:
    """At most two services per profile: a page is read as count+2 profiles (enough for count+1
    services past the cursor, the first profile being partly before it) and cut in Python. One
    COUNT (a sum over profiles) and one read, like the other types.

    Only profiles with at least one matching service are read, so each of them after the first
    gives a service: a profile `_id` names for a service it does not offer would otherwise take
    a place in the read and push a match off the page (with no `next` link)."""
    wanted = _wanted_services(params)
    in_person, virtual = _offers(wanted)
    profiles = _profiles().filter(in_person | virtual, _last_updated_q("updated_at", params.last_updated))
    matching = Case(When(in_person, then=1), default=0) + Case(When(virtual, then=1), default=0)
    total = _service_total(profiles, matching, params.total)
    if params.count == 0:
        return Page([], total, False, False, None, None)
    cursor = params.cursor
    after = cursor is None or cursor.after
    if cursor is not None:
        profiles = profiles.filter(pk__gte=cursor.key[0]) if after else profiles.filter(pk__lte=cursor.key[0])
    read = profiles.order_by("pk" if after else "-pk")[: params.count + 2]
    keyed = [(key, p) for p in read for key in (_service_keys(p) if after else _service_keys(p)[::-1])]
    keyed = [(key, p) for key, p in keyed if wanted is None or key in wanted]
    if cursor is not None:
        keyed = [(key, p) for key, p in keyed if (key > cursor.key if after else key < cursor.key)]
    more = len(keyed) > params.count
    keyed = keyed[: params.count]
    if not after:
        keyed.reverse()
    return Page(
        rows=[(p, SERVICE_MODES[key[1]]) for key, p in keyed],
        total=total,
        has_next=bool(keyed) and (more if after else True),
        has_previous=(cursor is not None) if after else more,
        first_key=keyed[0][0] if keyed else None,
        last_key=keyed[-1][0] if keyed else None,
    )


# ---------------------------------------------------------------------------------------------
# Payers: those whose network has a published role today


def published_payers(*, today: date) -> list[Payer]:
    """Payers with a live profile in network today, each with `since` (the earliest effective
    date among those roles), by id: one query."""
    in_effect = PayerApplication.objects.filter(
        in_effect_on(today), payer=OuterRef("pk"), provider__directory_profile__in=live_profiles()
    )
    since = in_effect.order_by().values("payer").annotate(start=Min("effective_date")).values("start")
    return list(Payer.objects.filter(Exists(in_effect)).annotate(since=Subquery(since)).order_by("pk"))


def newest(moments: Sequence[datetime]) -> datetime | None:
    return max(moments, default=None)
