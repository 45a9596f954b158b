"""Reads of the directory: go-live inputs in SQL (for the publishing sweep and for one
provider), public search, and the one profile a page shows.

The go-live inputs are computed in SQL here, by one builder (`_go_live_inputs`), for whole sets
of profiles at once and for one provider (`go_live_for_provider`, which the Onboarding Dashboard
and the provider's directory page ask). Each profile the sweep is about to change is checked
once more against the pure rule (directory.golive) with the same inputs, so the SQL and the
rule cannot silently disagree.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.search import SearchQuery
from django.db import NotSupportedError, connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    Func,
    JSONField,
    Min,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import MD5, Coalesce, Concat, Greatest, TruncDate
from django.utils import timezone

from credentialing.models import ApplicationStatus, Payer, PayerApplication
from credentialing.selectors import in_effect_on
from directory import search_cache
from directory.golive import GoLiveDecision, go_live_decision
from directory.models import LIVE_CONFIRMED_AT, DirectoryProfile
from directory.reverification import Reverification, overdue_on_or_before, reverification
from directory.search_cache import Known
from onboarding.models import Provider, ReviewStatus

PAGE_SIZE = 20


def company_zone() -> ZoneInfo:
    return ZoneInfo(settings.COMPANY_TIME_ZONE)


def company_today(now: datetime | None = None) -> date:
    """The company's calendar day at `now`: go-live dates are days in this zone."""
    return timezone.localdate(now or timezone.now(), company_zone())


# ---------------------------------------------------------------------------------------------
# Go-live inputs, as SQL: for the sweep's profiles and for one provider alike

# The rule's inputs, by the names `decision_for` reads them.
GO_LIVE_INPUTS = (
    "effective_start",
    "contracted_start",
    "training_on",
    "form_approved",
    "staff_hidden",
    "offboarded",
)


def _training_on(to_provider: str) -> TruncDate:
    """The company-calendar day the webinar and the quiz were both done (NULL until they are)."""
    progress = f"{to_provider}training_progress__"
    watched, passed = f"{progress}webinar_completed_at", f"{progress}quiz_passed_at"
    # Both must be present: PostgreSQL's GREATEST ignores NULLs, SQLite's MAX returns NULL.
    both = Q(**{f"{watched}__isnull": False, f"{passed}__isnull": False})
    completed_at = Case(When(both, then=Greatest(F(watched), F(passed))), default=None)
    return TruncDate(completed_at, tzinfo=company_zone())


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _go_live_inputs(*, to_provider: str, to_profile: str) -> dict:
    """The pure rule's inputs as SQL, for rows that reach the provider through `to_provider` and
    the directory profile through `to_profile` ("" for the row itself).

    The one place they are read from the database: a new go-live condition adds its input here
    (and its argument in `decision_for`, its test in `due_providers` or `is_due`), and the sweep
    and `go_live_for_provider` both have it.
    """
    earliest_effective = (
        PayerApplication.objects.filter(
            provider=OuterRef(f"{to_provider}pk"), status=ApplicationStatus.APPROVED
        )
        .order_by()
        .values("provider")
        .annotate(start=Min("effective_date"))
        .values("start")
    )
    return {
        "effective_start": Subquery(earliest_effective, output_field=DateField()),
        "contracted_start": F(f"{to_provider}contracted_start_date"),
        "training_on": _training_on(to_provider),
        "form_approved": _flag(Q(**{f"{to_provider}general_onboarding__status": ReviewStatus.APPROVED})),
        # A provider whose profile is not built yet has neither switch on.
        "staff_hidden": _flag(Q(**{f"{to_profile}hidden_by_staff": True})),
        "offboarded": _flag(Q(**{f"{to_profile}offboarded_at__isnull": False})),
    }


def with_go_live_inputs(profiles: QuerySet[DirectoryProfile]) -> QuerySet[DirectoryProfile]:
    """Annotate each profile with the pure rule's inputs (read by `decision_for`)."""
    return profiles.annotate(**_go_live_inputs(to_provider="provider__", to_profile=""))


def with_provider_go_live_inputs(providers: QuerySet[Provider]) -> QuerySet[Provider]:
    """Annotate each provider with the same inputs, whether or not its profile is built yet."""
    return providers.annotate(**_go_live_inputs(to_provider="", to_profile="directory_profile__"))


def _company_midnight(day: date) -> datetime:
    """The moment `day` begins in the company time zone."""
    return datetime.combine(day, time.min, tzinfo=company_zone())


def due_providers(as_of: date, *, provider_ids: Iterable[int] | None = None) -> QuerySet:
    """The providers (as a set of ids, for `IN`) whose go-live date has come by `as_of` and whose
    General Onboarding form is approved: the rule's conditions that live outside the profile.

    The rule's date is the latest of three, so it has come when each of them has: the earliest
    approved effective date has come exactly when some approved payer is in effect on `as_of`
    (credentialing.selectors.in_effect_on, the one definition of that), and the training day has
    come when the webinar and the quiz were both done before the next company day began. Written
    so, no row needs a MIN or a time-zone conversion: plain comparisons the planner joins by index.
    """
    next_day_begins = _company_midnight(as_of + timedelta(days=1))
    providers = Provider.objects.filter(
        general_onboarding__status=ReviewStatus.APPROVED,
        contracted_start_date__lte=as_of,
        training_progress__webinar_completed_at__lt=next_day_begins,
        training_progress__quiz_passed_at__lt=next_day_begins,
        pk__in=PayerApplication.objects.filter(in_effect_on(as_of)).values("provider_id"),
    )
    if provider_ids is not None:
        providers = providers.filter(pk__in=provider_ids)
    return providers.order_by().values("pk")


def is_due(as_of: date, *, provider_ids: Iterable[int] | None = None) -> Case:
    """True where the profile should be live on `as_of`, else False (never NULL), as SQL.

    Only the profile's own columns and one lookup in the hashed set of `due_providers`: the
    sweep evaluates it for every profile, so it must stay that cheap (and its estimated cost
    under PostgreSQL's JIT threshold). `provider_ids` narrows that set to the providers an
    event concerns.
    """
    return _flag(
        Q(
            hidden_by_staff=False,
            offboarded_at__isnull=True,
            provider_id__in=due_providers(as_of, provider_ids=provider_ids),
        )
    )


# What the sweep reads of each profile it may change: the rule's inputs, and what the event, the
# email and publish_profiles need.
CHANGE_FIELDS = (
    "pk",
    "provider_id",
    "slug",
    "display_name",
    "credentials",
    "is_live",
    *GO_LIVE_INPUTS,
    "email",
)


def decision_for(row: Mapping) -> GoLiveDecision:
    """The pure rule on the inputs `_go_live_inputs` annotated (a row of `.values()`, or the
    attributes of an annotated instance)."""
    return go_live_decision(
        effective_start_date=row["effective_start"],
        contracted_start_date=row["contracted_start"],
        training_completed_on=row["training_on"],
        general_onboarding_approved=row["form_approved"],
        hidden_by_staff=row["staff_hidden"],
        offboarded=row["offboarded"],
    )


def profiles_differing(*, as_of: date, provider_ids: Iterable[int] | None = None) -> QuerySet:
    """The profiles whose `is_live` differs from what the rule says on `as_of`, as (pk, is_live)
    pairs.

    One narrow query over every profile (or those of `provider_ids`): the profile's own columns
    against the hashed set of due providers (`is_due`), nothing joined per row. On a quiet night
    this is all the publishing sweep reads, every few minutes.
    """
    profiles = DirectoryProfile.objects.all()
    if provider_ids is not None:
        profiles = profiles.filter(provider_id__in=provider_ids)
    return (
        profiles.alias(is_due=is_due(as_of, provider_ids=provider_ids))
        .exclude(is_live=F("is_due"))
        .order_by()
        .values_list("pk", "is_live")
    )


def profiles_to_change(*, as_of: date, provider_ids: Iterable[int] | None = None) -> QuerySet:
    """Profiles whose `is_live` differs from what the rule says on `as_of`, in id order, as rows
    with the rule's inputs (each is checked once more against the pure rule before it changes).

    Two reads: `profiles_differing` finds them (one query, now), and the rows returned read the
    rule's inputs for those profiles only (none when nothing differs: no query at all). Reading
    the inputs of every profile in one statement instead made the planner expect half of them
    to change, at a cost that set PostgreSQL's JIT compiling (0.84 s of a 1.5 s sweep at 100k).
    A profile is returned only while `is_live` is still what the first read saw, so when the
    caller locks the rows, one another run changed meanwhile drops out.

    Rows, not model instances: the first run over a large backlog reads tens of thousands.
    """
    differing = dict(profiles_differing(as_of=as_of, provider_ids=provider_ids))
    seen_live = [pk for pk, is_live in differing.items() if is_live]
    seen_not_live = [pk for pk, is_live in differing.items() if not is_live]
    still_differing = Q(pk__in=seen_live, is_live=True) | Q(pk__in=seen_not_live, is_live=False)
    rows = (
        with_go_live_inputs(DirectoryProfile.objects.filter(still_differing))
        .annotate(email=F("provider__user__email"))
        .order_by("pk")
        .values(*CHANGE_FIELDS)
    )
    return rows if differing else rows.none()


# ---------------------------------------------------------------------------------------------
# Public search


@dataclass(frozen=True)
class SearchFilters:
    text: str = ""
    payer: str = ""  # a payer's slug
    # That payer's id, when the caller knows it (the search form does): the filter is then a
    # constant the planner can estimate from the column's statistics (directory.forms).
    payer_id: int | None = None
    state: str = ""  # where the client lives: the provider must be licensed there
    specialty: str = ""
    language: str = ""
    session_format: str = ""  # "telehealth" | "in_person" | ""
    accepting_new_clients: bool = False


def _list_has(field: str, code: str) -> Q:
    """The profile's JSON list `field` contains `code` (codes come from fixed vocabularies)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [code]})  # jsonb @>, GIN-indexed
    # SQLite (the demo) has no JSON containment; the list is stored as JSON text, and a code in
    # it always appears in double quotes.
    return Q(**{f"{field}__icontains": f'"{code}"'})


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)[:10]


def offboarded_profiles() -> QuerySet[DirectoryProfile]:
    """Profiles of providers who have left (offboarded_at set), for other apps to leave them out
    set-based, e.g. `~Exists(offboarded_profiles().filter(provider=OuterRef("provider")))`."""
    return DirectoryProfile.objects.filter(offboarded_at__isnull=False)


def live_profiles() -> QuerySet[DirectoryProfile]:
    """The only profiles the public ever sees."""
    return DirectoryProfile.objects.filter(is_live=True)


def fair_order_seed(today: date) -> str:
    return today.isoformat()


# The rank is the first 15 hex digits of md5(slug || day): 60 bits, so it fits a bigint with its
# sign bit clear and sorts as the hash's text did (two live profiles sharing 60 bits, about a
# one-in-a-billion chance a day at 100,000 profiles, are ordered by id instead).
_RANK_HEX_DIGITS = 15


def fair_rank_of(slug: str, day: date) -> int:
    """The profile's place in the day's fair order: md5(slug || day) as a number. The rule;
    `FairRank` is the same in SQL (a test holds them equal)."""
    digest = hashlib.md5(f"{slug}{fair_order_seed(day)}".encode(), usedforsecurity=False).hexdigest()
    return int(digest[:_RANK_HEX_DIGITS], 16)


class FairRank(Func):
    """`fair_rank_of(slug, day)` in PostgreSQL, for set-based writes of the day's ranks."""

    output_field = BigIntegerField()

    def __init__(self, day: date):
        super().__init__(Concat(F("slug"), Value(fair_order_seed(day))))

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        raise NotSupportedError(
            "The fair rank is materialised on PostgreSQL only (the demo hashes per request)."
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        bits = 4 * _RANK_HEX_DIGITS
        template = f"('x' || substr(md5(%(expressions)s), 1, {_RANK_HEX_DIGITS}))::bit({bits})::bigint"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def network_payer_ids(day: date) -> Coalesce:
    """The ids of the payers a profile's provider is in network with on `day` (in_effect_on, the
    one definition of that), as a sorted jsonb list: SQL for a set-based UPDATE of profiles."""
    payer_ids = (
        PayerApplication.objects.filter(in_effect_on(day), provider=OuterRef("provider_id"))
        .order_by()
        .values("provider_id")
        .annotate(ids=JSONBAgg("payer_id", distinct=True, order_by="payer_id"))
        .values("ids")
    )
    return Coalesce(Subquery(payer_ids, output_field=JSONField()), Value([], output_field=JSONField()))


def network_fields(day: date) -> dict:
    """What a write that changes where profiles are in network sets (a payer decision, and with
    the rank below); nothing on SQLite, where search reads the applications themselves."""
    if connection.vendor != "postgresql":
        return {}
    return {"network_payer_ids": network_payer_ids(day)}


def fair_rank_fields(day: date) -> dict:
    """What a write that lists profiles sets for the day's order and the day's network
    (publishing, the midnight job); nothing on SQLite, where search hashes per request."""
    if connection.vendor != "postgresql":
        return {}
    return {"fair_rank": FairRank(day), "fair_rank_on": day, **network_fields(day)}


def _fair_order(today: date) -> list[OrderBy | str]:
    if connection.vendor == "postgresql":
        # The materialised rank, in the index's order (directory_profile_fair). A live profile
        # with no rank yet (made live outside publishing) sorts after the ranked ones by id; a
        # missed midnight run leaves yesterday's ranks, still one stable order.
        return [F("fair_rank").asc(nulls_last=True), "pk"]
    return [MD5(Concat("slug", Value(fair_order_seed(today)))).asc(), "pk"]


def _in_network_with(filters: SearchFilters, *, today: date) -> Q:
    """Profiles whose provider is in network with the filters' payer `today`."""
    if connection.vendor != "postgresql":
        # The demo: the applications themselves (no materialised list on SQLite).
        return Q(
            Exists(
                PayerApplication.objects.filter(
                    in_effect_on(today), provider=OuterRef("provider_id"), payer__slug=filters.payer
                )
            )
        )
    # The day's network, materialised on the profile and read from the fair index: `@>` on a
    # list, like the state filter, instead of probing the applications per profile. Given the
    # payer's id, a constant the planner estimates from the column's statistics; else a
    # sub-select of it by slug, whose value the planner cannot know (it then guesses).
    if filters.payer_id is not None:
        return Q(network_payer_ids__contains=[filters.payer_id])
    payer_id = Subquery(Payer.objects.filter(slug=filters.payer).values("pk")[:1])
    wanted = Func(payer_id, function="jsonb_build_array", output_field=JSONField())
    return Q(network_payer_ids__contains=wanted)


def search_profiles(filters: SearchFilters, *, today: date) -> QuerySet[DirectoryProfile]:
    """Live profiles matching `filters` (payers: those in network `today`), in a fair order.

    The page's payers are read afterwards for its 20 profiles only (`with_payers`).

    Order: a shuffle seeded by the day, md5(slug || day), free text or not (a text search keeps
    the matches in that order; it does not rank them by how often the words appear). Nobody is
    favoured by signing up early or by their name's first letter, the order is stable all day
    (so paging does not repeat or skip anyone) and changes every day. On PostgreSQL that
    shuffle is materialised as `fair_rank` by the midnight job and by publishing
    (services.profiles_fair_rank), and read from its index.
    """
    profiles = live_profiles()
    if filters.payer:
        profiles = profiles.filter(_in_network_with(filters, today=today))
    if filters.state:
        profiles = profiles.filter(_list_has("states_licensed", filters.state))
    if filters.specialty:
        profiles = profiles.filter(_list_has("specialties", filters.specialty))
    if filters.language:
        profiles = profiles.filter(_list_has("languages", filters.language))
    if filters.session_format == "telehealth":
        profiles = profiles.filter(offers_telehealth=True)
    elif filters.session_format == "in_person":
        profiles = profiles.filter(offers_in_person=True)
    if filters.accepting_new_clients:
        profiles = profiles.filter(accepting_new_clients=True)

    text = filters.text.strip()
    if text and connection.vendor == "postgresql":
        # Matches in the fair order, not by ts_rank: repeating a word in a bio earns no place
        # (the fair-order promise), and page 1 walks the fair index, checking each profile's
        # search vector, instead of reading and ranking every match.
        query = SearchQuery(text, search_type="websearch", config="english")
        profiles = profiles.filter(search_vector=query)
    elif text:
        # SQLite fallback (the demo): every word in the name or the bio.
        for word in _words(text):
            profiles = profiles.filter(Q(display_name__icontains=word) | Q(bio__icontains=word))
    return profiles.only(*_CARD_FIELDS).order_by(*_fair_order(today))


# Results are counted exactly up to here; past it a page says "more than 1,000" (counting every
# match of a national list costs more than the page itself) until its last page, where the
# number is exact again.
COUNT_CAP = 1000


@dataclass(frozen=True)
class ResultsPage:
    """One page of search results and what is known of their number: `total` is exact, or None
    when there are more than `COUNT_CAP` and this page is not the last."""

    profiles: list[DirectoryProfile]
    number: int
    total: int | None
    has_next: bool

    @property
    def more_than(self) -> int:
        return COUNT_CAP

    @property
    def num_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1


def _page_number(asked: str | int | None) -> int:
    try:
        return max(1, int(asked or 1))
    except (TypeError, ValueError):
        return 1


def _offset_page(
    results: QuerySet[DirectoryProfile], number: int, known: Known | None
) -> list[DirectoryProfile]:
    """The page's profiles and one more (whether a next page exists), by offset. The page's ids
    are found first, reading only the index (or the filters' columns) down to a deep offset, and
    only those 21 rows are then read whole: a deep page costs a walk of the index, not of the
    table. With `known`, the walk starts one row early so the page's start is learnt as well."""
    start = (number - 1) * PAGE_SIZE
    if start == 0:
        return list(results[: PAGE_SIZE + 1])
    if known is None:
        return list(results.filter(pk__in=results.values("pk")[start : start + PAGE_SIZE + 1]))
    # One row early: the profile before the page, whose place in the order is where it starts.
    found = list(results.filter(pk__in=results.values("pk")[start - 1 : start + PAGE_SIZE + 1]))
    if not found:
        return []
    before = found.pop(0)
    known.learn_start(number, (before.fair_rank, before.pk))
    return found


def _after(start: tuple[int | None, int]) -> Q:
    """Profiles after `start` in the fair order (ranked first, by rank then id; unranked after,
    by id), as conditions the fair index can start a range scan from."""
    rank, pk = start
    if rank is None:
        return Q(fair_rank__isnull=True, pk__gt=pk)
    # A row comparison, so PostgreSQL seeks the index to it instead of filtering from the top.
    return Q(RawSQL(_ROW_AFTER, (rank, pk), output_field=BooleanField()))  # noqa: S611 - constant SQL, bound values


_ROW_AFTER = '("directory_directoryprofile"."fair_rank", "directory_directoryprofile"."id") > (%s, %s)'


def _page_from(results: QuerySet[DirectoryProfile], start: tuple[int | None, int]) -> list[DirectoryProfile]:
    """The page after a known start, and one more. Ranked profiles end where the unranked begin
    (live ones no rank was written for yet, which sort last by id): a short run of ranked ones
    is topped up from the unranked."""
    found = list(results.filter(_after(start))[: PAGE_SIZE + 1])
    if len(found) <= PAGE_SIZE and start[0] is not None:
        found += list(results.filter(fair_rank__isnull=True)[: PAGE_SIZE + 1 - len(found)])
    return found


def _page_of(results: QuerySet[DirectoryProfile], number: int, known: Known | None) -> list[DirectoryProfile]:
    start = known.starts.get(number) if known is not None else None
    found = _page_from(results, start) if start is not None else _offset_page(results, number, known)
    if known is not None and len(found) > PAGE_SIZE:
        last = found[PAGE_SIZE - 1]
        known.learn_start(number + 1, (last.fair_rank, last.pk))
    return found


def search_page(filters: SearchFilters, *, today: date, page: str | int | None) -> ResultsPage:
    """The page asked for (a page past the end shows the last; nonsense shows the first).

    Cold, three queries: the count up to COUNT_CAP, the page, its payers; a page past the end of
    a list of more than COUNT_CAP costs a full count and the page again (a stale link). The count
    and where each page starts are then kept while the directory is unchanged (search_cache), so
    the same search again is two queries, and a deep page reached from the page before it (or
    asked again) starts from its place in the index instead of walking to it."""
    results = search_profiles(filters, today=today)
    number = _page_number(page)
    # The page starts are places in the materialised fair order: PostgreSQL only (the demo, on
    # SQLite, hashes per request, and is small enough to count and walk every time).
    key, known = search_cache.known_for(filters, today=today, cap=COUNT_CAP)
    starts = known if connection.vendor == "postgresql" else None
    if known.counted is None:
        known.counted = results.order_by()[: COUNT_CAP + 1].count()
        known.changed = True
    total: int | None = known.counted if known.counted <= COUNT_CAP else None
    last_page = None if total is None else max(1, -(-total // PAGE_SIZE))
    if total is None and known.full is not None:
        last_page = max(1, -(-known.full // PAGE_SIZE))
    if last_page is not None:
        number = min(number, last_page)
    found = _page_of(results, number, starts)
    if total is None and not found:
        known.full = results.count()
        known.changed = True
        number = max(1, -(-known.full // PAGE_SIZE))
        found = _page_of(results, number, starts)
    if total is None and len(found) <= PAGE_SIZE:
        total = (number - 1) * PAGE_SIZE + len(found)  # the last page: now the number is exact
    search_cache.remember(key, known)
    profiles = with_payers(found[:PAGE_SIZE], today=today)
    return ResultsPage(profiles=profiles, number=number, total=total, has_next=len(found) > PAGE_SIZE)


# What a search result card shows; the bio and the office address are left for the profile page.
_CARD_FIELDS = (
    "pk",
    "fair_rank",  # not shown: where the next page starts (search_cache)
    "provider_id",
    "slug",
    "display_name",
    "credentials",
    "photo",
    "specialties",
    "languages",
    "states_licensed",
    "offers_telehealth",
    "offers_in_person",
    "office_city",
    "office_state",
    "accepting_new_clients",
)


def with_payers(profiles: list[DirectoryProfile], *, today: date) -> list[DirectoryProfile]:
    """Set `payers` on each profile: the payers it is in network with today, by name (one query
    for the whole page)."""
    by_provider: dict[int, list[Payer]] = defaultdict(list)
    applications = (
        PayerApplication.objects.filter(
            in_effect_on(today), provider_id__in={p.provider_id for p in profiles}
        )
        .select_related("payer")
        .only("provider_id", "payer__name", "payer__slug")
        .order_by("payer__name")
    )
    for application in applications:
        by_provider[application.provider_id].append(application.payer)
    for profile in profiles:
        profile.payers = by_provider[profile.provider_id]
    return profiles


def payers_to_filter_by() -> list[tuple[int, str, str]]:
    """Payers a client can filter by, as (id, slug, name): those active, by name. The search
    form shows the slugs and names, and hands search the chosen one's id."""
    return list(Payer.objects.filter(is_active=True).order_by("name").values_list("pk", "slug", "name"))


def live_profile(slug: str, *, today: date) -> DirectoryProfile | None:
    """One live profile with its payers in network today (two queries), or None."""
    found = live_profiles().filter(slug=slug).first()
    return with_payers([found], today=today)[0] if found else None


def go_live_for_provider(provider: Provider) -> GoLiveDecision:
    """The rule's decision for one provider (its go-live date, or what blocks it), from the same
    SQL inputs the sweep reads.

    One query; none for a provider loaded through `with_provider_go_live_inputs` (the Onboarding
    Dashboard loads its provider so), whose inputs came with it.
    """
    if all(hasattr(provider, name) for name in GO_LIVE_INPUTS):
        return decision_for(vars(provider))
    inputs = with_provider_go_live_inputs(Provider.objects.filter(pk=provider.pk))
    return decision_for(inputs.values(*GO_LIVE_INPUTS).get())


def go_live_for_loaded_provider(provider: Provider, *, effective_start: date | None) -> GoLiveDecision:
    """`go_live_for_provider` with no query, for a provider whose General Onboarding form,
    training progress and directory profile were joined when it was loaded (the Onboarding
    Dashboard's `select_related`), and whose earliest approved effective date the caller read
    with its applications (credentialing.selectors.earliest_effective_date).

    The same inputs as `_go_live_inputs`, read from the loaded rows: the dashboard's one query
    for its provider costs half as much to build and to plan without them as SQL.
    tests/directory/test_go_live_selector.py holds the two readings equal in every state the
    rule tells apart.
    """
    form = getattr(provider, "general_onboarding", None)
    progress = getattr(provider, "training_progress", None)
    profile = getattr(provider, "directory_profile", None)
    watched = progress.webinar_completed_at if progress else None
    passed = progress.quiz_passed_at if progress else None
    return go_live_decision(
        effective_start_date=effective_start,
        contracted_start_date=provider.contracted_start_date,
        # The company-calendar day both were done, as _training_on.
        training_completed_on=_company_day(max(watched, passed)) if watched and passed else None,
        general_onboarding_approved=form is not None and form.status == ReviewStatus.APPROVED,
        hidden_by_staff=profile is not None and profile.hidden_by_staff,
        offboarded=profile is not None and profile.offboarded_at is not None,
    )


# ---------------------------------------------------------------------------------------------
# Directory data confirmed every 90 days (No Surprises Act; the rule is directory.reverification)


def _company_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment, company_zone()) if moment else None


def reverification_of(
    *, reviewed_at: datetime | None, went_live_at: datetime | None
) -> Reverification | None:
    """The profile's 90-day period, from its last confirmation (else its go-live), in company days."""
    return reverification(confirmed_on=_company_day(reviewed_at), went_live_on=_company_day(went_live_at))


def reverification_for(profile: DirectoryProfile) -> Reverification | None:
    """A live profile's period (the provider's dashboard and profile page); None when not live."""
    if not profile.is_live or profile.is_offboarded:
        return None
    return reverification_of(reviewed_at=profile.reviewed_at, went_live_at=profile.went_live_at)


@dataclass(frozen=True)
class ProfileToReverify:
    profile_id: int
    provider_id: int
    legal_name: str
    email: str
    period: Reverification


def profiles_to_reverify(*, basis_on_or_before: date) -> list[ProfileToReverify]:
    """Live profiles last confirmed (or, never confirmed, gone live) on or before the day, with
    their period: one query whatever their number. The SQL only bounds the set; each period is
    the pure rule's, from the same two moments."""
    # "Its company day is on or before the day" as a range of the moment, so it reads the
    # directory_profile_confirmed index instead of converting every live profile's moment.
    rows = (
        live_profiles()
        .filter(offboarded_at__isnull=True)
        .alias(basis=LIVE_CONFIRMED_AT)
        .filter(basis__lt=_company_midnight(basis_on_or_before + timedelta(days=1)))
        .order_by("pk")
        .values(
            "pk",
            "provider_id",
            "provider__legal_name",
            "provider__user__email",
            "reviewed_at",
            "went_live_at",
        )
    )
    found = []
    for row in rows:
        period = reverification_of(reviewed_at=row["reviewed_at"], went_live_at=row["went_live_at"])
        if period is not None:
            found.append(
                ProfileToReverify(
                    row["pk"],
                    row["provider_id"],
                    row["provider__legal_name"],
                    row["provider__user__email"],
                    period,
                )
            )
    return found


def not_reverified_profiles(now: datetime) -> list[ProfileToReverify]:
    """Live profiles past their 90-day confirmation (the SLA board): one query."""
    today = company_today(now)
    return profiles_to_reverify(basis_on_or_before=overdue_on_or_before(today))
