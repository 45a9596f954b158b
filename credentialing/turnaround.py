"""Dated status for every payer application: the status, its reason, who acts next and the
expected decision range, from the portal's own history (credentialing.decision_clock has the
rules; this module reads the database).

The history: every decision (an application moved from submitted to approved or denied, read
from PayerApplicationEvent, so a denied application requested again keeps its earlier round)
taken in the last HISTORY_DAYS, measured in business days of the company calendar (weekdays
minus the public holidays of alma.business_days) from the local day it was submitted to the
local day it was decided. Grouped per payer and per state in ONE query (GROUPING SETS: each
(payer, state) and each payer over all states), with PostgreSQL's percentile_cont.

The state is the provider's practice state (the General Onboarding form's address): payers
enroll a provider at a practice location, so that is the state whose payer office handles the
file. It is also one state per provider, where "licensed states" would count one decision in
several states at once.

`dated_statuses` is the one selector that turns applications into dated statuses, for the
Insurance & Directories page, the dashboard and the SLA board alike: one query, whatever the
number of applications or of past decisions (plus the query that loaded the applications).

The history is the same for every provider, and at national scale its query reads every payer
application event of the last three years (hundreds of milliseconds at 100,000 providers, the
largest part of the dashboard and of the Insurance & Directories page). So `dated_statuses`
reads it through `practice_turnaround`: the table of every payer, computed once and kept in the
Django cache per company day, under a generation that every write of a PayerApplicationEvent
moves on (at once, for the writing transaction's own reads, and again once it commits, so a
request that read the old history meanwhile cannot keep it: the support articles' scheme).
Changes that write no event (a provider's practice state edited, applications deleted, bulk
SQL) reach the table within TURNAROUND_CACHE_SECONDS. Within a company day the table computed
at the first request serves the later ones: the two-year window's far edge moves with the
table, not with each request's `now` (a decision two years old leaves it minutes late).

The embedded SQLite demo has neither percentile_cont nor generate_series: there the history is
not read (no query) and every submitted application falls back to the 45-day promise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from alma.business_days import BusinessCalendar
from alma.timekeeping import company_calendar
from credentialing.decision_clock import (
    Basis,
    DatedStatus,
    StatusFacts,
    Turnaround,
    choose_turnaround,
    dated_status,
    decision_range,
    late_cutoff,
)
from credentialing.expirables import caqh_attestation_due
from credentialing.models import ApplicationStatus, PayerApplication, PayerApplicationEvent
from onboarding.models import GeneralOnboarding

# Decisions older than this say little about how the payer works today.
HISTORY_DAYS = 730
# The longest submission -> decision the history measures (older submissions are left out, so
# the holiday list passed to SQL always covers the days counted).
LONGEST_WAIT_DAYS = 365

# The safety net for changes that write no event (see the module docstring).
TURNAROUND_CACHE_SECONDS = 10 * 60
GENERATION_KEY = "credentialing:turnaround:generation"
TABLE_KEY = "credentialing:turnaround:{generation}:{day}"

S = ApplicationStatus


@dataclass
class TurnaroundTable:
    """Past turnaround per (payer, practice state) and per payer over all states."""

    in_state: dict[tuple[int, str], Turnaround] = field(default_factory=dict)
    every_state: dict[int, Turnaround] = field(default_factory=dict)

    def for_application(self, payer_id: int, state: str) -> tuple[Turnaround | None, Basis]:
        return choose_turnaround(
            self.in_state.get((payer_id, state)) if state else None, self.every_state.get(payer_id)
        )


@lru_cache(maxsize=8)
def _holidays(calendar: BusinessCalendar, first: date, last: date) -> tuple[date, ...]:
    """The weekdays from `first` to `last` that are not business days (the public holidays)."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(day for day in days if day.weekday() < 5 and not calendar.is_business_day(day))


_TURNAROUND_SQL = """
WITH calendar AS (
    -- Each local day of the span with the number of business days up to it: the business days
    -- in (submitted, decided] are the difference of two look-ups, a hash join, not a series per row.
    SELECT s.day::date AS day,
           count(*) FILTER (
               WHERE extract(isodow FROM s.day) < 6 AND s.day::date <> ALL(%(holidays)s::date[])
           ) OVER (ORDER BY s.day) AS business_index
    FROM generate_series(%(first_day)s::date, %(last_day)s::date, interval '1 day') AS s(day)
), decisions AS (
    SELECT e.application_id,
           e.to_status,
           e.occurred_at AS decided_at,
           lag(e.to_status) OVER round AS before_status,
           lag(e.occurred_at) OVER round AS submitted_at
    FROM {event} e
    JOIN {application} a ON a.id = e.application_id
    WHERE e.occurred_at >= %(earliest)s AND e.occurred_at <= %(now)s {payer_filter}
    WINDOW round AS (PARTITION BY e.application_id ORDER BY e.occurred_at, e.id)
), waits AS (
    SELECT a.payer_id,
           COALESCE(g.state, '') AS state,
           decided.business_index - submitted.business_index AS business_days
    FROM decisions d
    JOIN {application} a ON a.id = d.application_id
    LEFT JOIN {general_onboarding} g ON g.provider_id = a.provider_id
    JOIN calendar submitted ON submitted.day = (d.submitted_at AT TIME ZONE %(zone)s)::date
    JOIN calendar decided ON decided.day = (d.decided_at AT TIME ZONE %(zone)s)::date
    WHERE d.to_status IN (%(approved)s, %(denied)s)
      AND d.before_status = %(submitted)s
      AND d.decided_at >= %(since)s
)
SELECT payer_id,
       state,
       GROUPING(state) AS every_state,
       count(*) AS decisions,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY business_days) AS median_days,
       percentile_cont(0.8) WITHIN GROUP (ORDER BY business_days) AS p80_days
FROM waits
GROUP BY GROUPING SETS ((payer_id, state), (payer_id))
"""


def turnaround_table(
    *, payer_ids: Iterable[int] | None = None, now: datetime | None = None
) -> TurnaroundTable:
    """The history's median and 80th percentile per payer and state: one query (none on SQLite,
    which then falls back to the promise; none for an empty list of payers)."""
    now = now or timezone.now()
    table = TurnaroundTable()
    payers = sorted(set(payer_ids)) if payer_ids is not None else None
    if connection.vendor != "postgresql" or payers == []:
        return table
    calendar = company_calendar()
    since = now - timedelta(days=HISTORY_DAYS)
    earliest = since - timedelta(days=LONGEST_WAIT_DAYS)
    zone = calendar.time_zone
    first_day, last_day = earliest.astimezone(zone).date(), now.astimezone(zone).date()
    sql = _TURNAROUND_SQL.format(
        event=PayerApplicationEvent._meta.db_table,
        application=PayerApplication._meta.db_table,
        general_onboarding=GeneralOnboarding._meta.db_table,
        payer_filter="AND a.payer_id = ANY(%(payers)s)" if payers is not None else "",
    )
    params: dict[str, Any] = {
        "earliest": earliest,
        "since": since,
        "zone": str(zone),
        "first_day": first_day,
        "last_day": last_day,
        "now": now,
        "holidays": list(_holidays(calendar, first_day, last_day)),
        "approved": S.APPROVED,
        "denied": S.DENIED,
        "submitted": S.SUBMITTED,
        "payers": payers,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for payer_id, state, every_state, decisions, median_days, p80_days in cursor.fetchall():
            turnaround = Turnaround(decisions, float(median_days), float(p80_days))
            if every_state:
                table.every_state[payer_id] = turnaround
            elif state:  # a provider without a practice state counts only for "every state"
                table.in_state[(payer_id, state)] = turnaround
    return table


def practice_turnaround(*, payer_ids: Iterable[int], now: datetime | None = None) -> TurnaroundTable:
    """`turnaround_table` of these payers from the practice-wide table in the cache (no query),
    or computed for every payer once (one query) and kept there for the company day of `now`."""
    payers = set(payer_ids)
    if connection.vendor != "postgresql" or not payers:
        return TurnaroundTable()
    table = _practice_table(now or timezone.now())
    # Restricting the practice-wide table gives what the query filtered on these payers gives:
    # each group is one payer's (or one payer and state's).
    return TurnaroundTable(
        in_state={key: value for key, value in table.in_state.items() if key[0] in payers},
        every_state={key: value for key, value in table.every_state.items() if key in payers},
    )


def _practice_table(now: datetime) -> TurnaroundTable:
    """Every payer's table, from the cache or computed (one query) and kept for the company day."""
    if connection.vendor != "postgresql":
        return TurnaroundTable()
    generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
    key = TABLE_KEY.format(generation=generation, day=_company_day(now))
    table = cache.get(key)
    if table is None:
        table = turnaround_table(now=now)
        cache.set(key, table, TURNAROUND_CACHE_SECONDS)
    return table


def _next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # never read yet (or evicted): the next read starts a generation
        cache.set(GENERATION_KEY, 1, timeout=None)
        # A table of an earlier generation 1 may outlive the evicted generation: drop today's.
        today = _company_day(timezone.now())
        cache.delete_many([TABLE_KEY.format(generation=1, day=today + timedelta(days=n)) for n in (-1, 0, 1)])


def _company_day(moment: datetime) -> date:
    return timezone.localdate(moment, company_calendar().time_zone)


def turnaround_history_changed() -> None:
    """A payer application event was written or removed: every process reads the history afresh,
    this transaction at once and everyone again after it commits."""
    _next_generation()
    transaction.on_commit(_next_generation)


def with_status_inputs(applications: QuerySet[PayerApplication]) -> QuerySet[PayerApplication]:
    """Annotate what `dated_statuses` reads besides the row itself, in the same query: the
    provider's practice state, their CAQH attestation date and the latest event's note."""
    latest = PayerApplicationEvent.objects.filter(application=OuterRef("pk")).order_by("-occurred_at", "-pk")
    return applications.annotate(
        practice_state=F("provider__general_onboarding__state"),
        caqh_attested_on=F("provider__insurance_form__caqh_attested_on"),
        latest_note=Subquery(latest.values("note")[:1]),
    )


def dated_statuses(
    applications: Sequence[PayerApplication], *, now: datetime | None = None
) -> dict[int, DatedStatus]:
    """The dated status of each application (loaded through `with_status_inputs`, with its
    payer), by application id: the history of their payers from the cache, or one query."""
    now = now or timezone.now()
    table = practice_turnaround(payer_ids=[a.payer_id for a in applications], now=now)
    calendar = company_calendar()
    statuses = {}
    for application in applications:
        state = getattr(application, "practice_state", "") or ""
        turnaround, basis = table.for_application(application.payer_id, state)
        attested = getattr(application, "caqh_attested_on", None)
        facts = StatusFacts(
            payer=application.payer.name,
            state=state,
            status=application.status,
            latest_note=getattr(application, "latest_note", "") or "",
            denial_reason=application.denial_reason,
            effective_date=application.effective_date,
            caqh_due=caqh_attestation_due(attested) if attested else None,
            submitted_at=application.submitted_at,
            turnaround=turnaround,
            basis=basis,
        )
        statuses[application.pk] = dated_status(facts, now=now, calendar=calendar)
    return statuses


def submitted_applications(
    *, now: datetime | None = None, pks: Iterable[int] | None = None
) -> list[tuple[PayerApplication, DatedStatus]]:
    """Every application waiting for a payer's decision (or only those of `pks`), oldest
    submission first, each with its dated status: two queries whatever the count (the
    applications; the history)."""
    waiting = PayerApplication.objects.filter(status=S.SUBMITTED, submitted_at__isnull=False)
    if pks is not None:
        waiting = waiting.filter(pk__in=list(pks))
    applications = list(
        with_status_inputs(waiting)
        .select_related("provider", "payer")
        .only(
            "status",
            "submitted_at",
            "denial_reason",
            "effective_date",
            "payer_id",
            "provider_id",
            "provider__legal_name",
            "payer__name",
        )
        .order_by("submitted_at", "pk")
    )
    statuses = dated_statuses(applications, now=now)
    return [(application, statuses[application.pk]) for application in applications]


# --- "late" in SQL: one cutoff per decision clock ----------------------------------------------


@dataclass(frozen=True)
class DecisionClock:
    """The applications waiting under one expected-decision rule: the 45-day promise, or a history
    whose 80th percentile is the same number of business days. Two applications under one clock
    submitted at the same moment end their expected range at the same moment, and a later
    submission never ends earlier, so "late at t" is `submitted_at < late_cutoff(t)` for all of
    them (decision_clock.late_cutoff)."""

    turnaround: Turnaround | None  # None: the promise; else the first history with its 80th percentile
    applications: Q  # a condition on `waiting_for_decision()`

    def late_before(self, moment: datetime, calendar: BusinessCalendar) -> Q:
        """Its applications past their expected decision at `moment`."""
        return self.applications & Q(
            submitted_at__lt=late_cutoff(moment, turnaround=self.turnaround, calendar=calendar)
        )

    def overdue_after(self, submitted_at: datetime, calendar: BusinessCalendar) -> datetime:
        """When one of its applications submitted at `submitted_at` becomes late."""
        return decision_range(
            submitted_at=submitted_at, turnaround=self.turnaround, basis=Basis.PROMISE, calendar=calendar
        ).overdue_after


def waiting_for_decision() -> QuerySet[PayerApplication]:
    """Applications submitted and not decided, with the practice state their clock reads ("" for
    none) as `clock_state`, for the conditions of `decision_clocks`."""
    return PayerApplication.objects.filter(status=S.SUBMITTED, submitted_at__isnull=False).alias(
        clock_state=Coalesce(F("provider__general_onboarding__state"), Value(""))
    )


def decision_clocks(*, now: datetime | None = None) -> list[DecisionClock]:
    """Every waiting application falls under exactly one of these clocks, as `dated_statuses`
    chooses its history (TurnaroundTable.for_application): the payer in the state with enough
    decisions there, else the payer in every state, else the promise. Histories with the same
    80th percentile in business days end their ranges alike, so they share a clock. From the
    cached table (no query when warm): a handful of clocks, whatever the number of applications."""
    table = _practice_table(now or timezone.now())
    clocks: dict[int, tuple[Turnaround, Q]] = {}

    def under(turnaround: Turnaround, condition: Q) -> None:
        days = turnaround.days[1]
        first, conditions = clocks.get(days, (turnaround, Q(pk__in=[])))
        clocks[days] = (first, conditions | condition)

    promise = Q()
    for payer_id, every_state in sorted(table.every_state.items()):
        payer_wide, _basis = choose_turnaround(None, every_state)
        if payer_wide is None:
            continue  # too few decisions in every state, so in any one state too: the promise
        promise &= ~Q(payer_id=payer_id)
        own_states = []
        for payer, state in sorted(table.in_state):
            chosen, basis = table.for_application(payer, state)
            if payer == payer_id and basis == Basis.PAYER_IN_STATE and chosen is not None:
                under(chosen, Q(payer_id=payer_id, clock_state=state))
                own_states.append(state)
        elsewhere = ~Q(clock_state__in=own_states) if own_states else Q()
        under(payer_wide, Q(payer_id=payer_id) & elsewhere)
    return [DecisionClock(None, promise)] + [
        DecisionClock(turnaround, condition) for _days, (turnaround, condition) in sorted(clocks.items())
    ]


def late_before(moment: datetime, clocks: Sequence[DecisionClock]) -> Q:
    """A condition on `waiting_for_decision()`: past the expected decision at `moment`."""
    calendar = company_calendar()
    condition = Q(pk__in=[])
    for clock in clocks:
        condition |= clock.late_before(moment, calendar)
    return condition
