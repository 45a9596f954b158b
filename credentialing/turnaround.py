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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from alma.business_days import BusinessCalendar
from alma.timekeeping import company_calendar
from credentialing.decision_clock import (
    MIN_DECISIONS,
    Basis,
    DatedStatus,
    StatusFacts,
    Turnaround,
    choose_turnaround,
    dated_status,
    decision_range,
    expected_decision_at,
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


# --- "late" in SQL: one cutoff per payer and state ---------------------------------------------


@dataclass(frozen=True)
class LateCutoffs:
    """For each clock an application can be under (TurnaroundTable.for_application: the payer in
    the practice state with enough decisions there, else the payer in every state, else the
    45-day promise), the submission instants before which it is late at `now` and at `soon`.

    Within one payer and state the expected range ends later only as the submission is later
    (decision_clock.late_cutoff), so "late" is `submitted_at < cutoff` on every row: PostgreSQL
    counts and orders the waiting applications against a few hundred cutoffs (8 payers x the
    states with history) joined in, instead of Python dating each one. Computed in Python from
    the cached history table (no query when warm); the same for any number of applications.
    """

    now: datetime
    soon: datetime
    # (payer id, state or "" for the payer in every state, 80th percentile in business days,
    # late before at now, at soon)
    rows: list[tuple[int, str, int, datetime, datetime]]
    promise: tuple[datetime, datetime]  # applications under no history

    def overdue_after(self, submitted_at: datetime, days: int, calendar: BusinessCalendar) -> datetime:
        """When an application submitted at `submitted_at` under the clock of `days` (0: the
        promise) is late: the end of its expected range, as decision_range dates it."""
        if not days:
            return expected_decision_at(submitted_at)
        return _range_end(submitted_at.astimezone(calendar.time_zone).date(), days, calendar)


@lru_cache(maxsize=4096)
def _range_end(submitted_on: date, days: int, calendar: BusinessCalendar) -> datetime:
    # A history's range is dated by the local day of submission alone: noon stands for any time.
    submitted_at = datetime.combine(submitted_on, time(12), tzinfo=calendar.time_zone)
    turnaround = Turnaround(MIN_DECISIONS, days, days)
    return decision_range(
        submitted_at=submitted_at, turnaround=turnaround, basis=Basis.PAYER, calendar=calendar
    ).overdue_after


def late_cutoffs(*, now: datetime, soon: datetime) -> LateCutoffs:
    """The cutoffs of every payer and state with a history, at `now` and at `soon` (later)."""
    table = _practice_table(now)
    calendar = company_calendar()
    by_days: dict[int | None, tuple[datetime, datetime]] = {}

    def cutoffs(turnaround: Turnaround | None) -> tuple[datetime, datetime]:
        days = turnaround.days[1] if turnaround is not None else None
        if days not in by_days:  # a handful of distinct percentiles: each worked out once
            by_days[days] = (
                late_cutoff(now, turnaround=turnaround, calendar=calendar),
                late_cutoff(soon, turnaround=turnaround, calendar=calendar),
            )
        return by_days[days]

    rows = []
    for payer_id, state in sorted(table.in_state):
        turnaround, basis = table.for_application(payer_id, state)
        if basis == Basis.PAYER_IN_STATE and turnaround is not None:
            rows.append((payer_id, state, turnaround.days[1], *cutoffs(turnaround)))
    for payer_id, every_state in sorted(table.every_state.items()):
        turnaround, _basis = choose_turnaround(None, every_state)
        if turnaround is not None:
            rows.append((payer_id, "", turnaround.days[1], *cutoffs(turnaround)))
    return LateCutoffs(now, soon, rows, cutoffs(None))


_WAITING_SQL = """
WITH in_state AS (
    SELECT * FROM unnest(%(payers)s::int[], %(states)s::text[], %(days)s::int[],
                         %(late_now)s::timestamptz[], %(late_soon)s::timestamptz[])
        AS c(payer_id, state, days, late_now, late_soon)
), every_state AS (
    SELECT * FROM unnest(%(all_payers)s::int[], %(all_days)s::int[],
                         %(all_late_now)s::timestamptz[], %(all_late_soon)s::timestamptz[])
        AS c(payer_id, days, late_now, late_soon)
), waiting AS (
    -- Each waiting application with its clock, chosen as for_application chooses: the payer in
    -- the practice state, else the payer in every state, else the promise (0 days).
    SELECT a.id,
           a.provider_id,
           a.submitted_at,
           COALESCE(s.days, p.days, 0) AS days,
           COALESCE(s.late_now, p.late_now, %(promise_now)s) AS late_now,
           COALESCE(s.late_soon, p.late_soon, %(promise_soon)s) AS late_soon
    FROM (
        -- The practice state probed per waiting application on the form's provider index (a
        -- join hashes every provider's wide form row), once per row (OFFSET 0: not pulled up).
        SELECT a.id, a.provider_id, a.payer_id, a.submitted_at,
               (SELECT g.state FROM {general_onboarding} g WHERE g.provider_id = a.provider_id) AS state
        FROM {application} a
        WHERE a.status = %(submitted)s AND a.submitted_at IS NOT NULL
        OFFSET 0
    ) a
    LEFT JOIN in_state s ON s.payer_id = a.payer_id AND s.state = a.state
    LEFT JOIN every_state p ON p.payer_id = a.payer_id
)
"""


def _waiting(cutoffs: LateCutoffs, select: str, **more: Any) -> tuple[str, dict[str, Any]]:
    sql = _WAITING_SQL.format(
        application=PayerApplication._meta.db_table, general_onboarding=GeneralOnboarding._meta.db_table
    )
    in_state = [row for row in cutoffs.rows if row[1]]
    every_state = [row for row in cutoffs.rows if not row[1]]
    params = {
        "payers": [row[0] for row in in_state],
        "states": [row[1] for row in in_state],
        "days": [row[2] for row in in_state],
        "late_now": [row[3] for row in in_state],
        "late_soon": [row[4] for row in in_state],
        "all_payers": [row[0] for row in every_state],
        "all_days": [row[2] for row in every_state],
        "all_late_now": [row[3] for row in every_state],
        "all_late_soon": [row[4] for row in every_state],
        "promise_now": cutoffs.promise[0],
        "promise_soon": cutoffs.promise[1],
        "submitted": S.SUBMITTED,
        **more,
    }
    return sql + select, params


LateRow = tuple[int, datetime, int, bool]  # (id, submitted_at, days, late now)


def late_summary(cutoffs: LateCutoffs, *, limit: int) -> tuple[int, int, list[LateRow]]:
    """How many waiting applications are late at `now`, how many late by `soon` but not yet, and
    per clock the `limit` oldest submissions of each of those two parts: (id, submitted_at, days,
    late now). A clock's ranges end in the order of its submissions, so these hold the `limit`
    soonest due of each part over all clocks: at most 2 x limit rows per clock, whatever the
    number of applications. One query: the counts ride on every row (window aggregates over the
    same rows), so the waiting applications and their practice states are read once."""
    sql, params = _waiting(
        cutoffs,
        """, parts AS (
    SELECT id, submitted_at, days, submitted_at < late_now AS late,
           row_number() OVER (
               PARTITION BY days, submitted_at < late_now ORDER BY submitted_at, id
           ) AS position,
           count(*) FILTER (WHERE submitted_at < late_now) OVER () AS late_count,
           count(*) FILTER (WHERE submitted_at >= late_now) OVER () AS soon_count
    FROM waiting
    WHERE submitted_at < late_soon
)
SELECT id, submitted_at, days, late, late_count, soon_count
  FROM parts WHERE position <= %(limit)s ORDER BY submitted_at, id""",
        limit=limit,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        return 0, 0, []
    late, soon = found[0][4], found[0][5]
    return late, soon, [(pk, submitted_at, days, is_late) for pk, submitted_at, days, is_late, *_ in found]


def late_providers(cutoffs: LateCutoffs) -> tuple[str, list[Any]]:
    """SQL (with its parameters, for RawSQL) of the providers with an application late at `now`."""
    sql, params = _waiting(cutoffs, "SELECT provider_id FROM waiting WHERE submitted_at < late_now")
    # RawSQL takes positional parameters: the named ones in order of appearance.
    names = re.findall(r"%\((\w+)\)s", sql)
    return re.sub(r"%\((\w+)\)s", "%s", sql), [params[name] for name in names]
