"""The payer's decision clock (PRODUCT.md): a submitted application is decided within 45 days;
later ones are flagged. Pure, no Django import: the selectors, the admin and the emails share it
(credentialing.selectors re-exports DECISION_DAYS and expected_decision_at).

Beside the promise, the portal's own history: how many business days payers actually took from
submission to decision (credentialing.turnaround measures it in SQL). An application's expected
decision is a range of dates, from the median to the 80th percentile of that history, for the
payer in the provider's practice state when there are at least MIN_DECISIONS decisions there,
else for the payer in every state, else the 45-day promise (a single date). The rules below turn
those figures into dates, and an application's status into words for the provider: the reason,
who acts next, and what Alma does about a late one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from alma.business_days import BusinessCalendar

DECISION_DAYS = 45
# Fewer decisions than this say more about luck than about the payer: the next level is used.
MIN_DECISIONS = 5


def expected_decision_at(submitted_at: datetime) -> datetime:
    """The 45-day promise."""
    return submitted_at + timedelta(days=DECISION_DAYS)


class Basis(StrEnum):
    """Where an expected decision range comes from."""

    PAYER_IN_STATE = "payer_in_state"  # the payer's decisions for providers practising in the state
    PAYER = "payer"  # the payer's decisions in every state
    PROMISE = "promise"  # too little history: the 45-day promise


@dataclass(frozen=True)
class Turnaround:
    """Submitted -> decided, in business days, over `decisions` past decisions."""

    decisions: int
    median_days: float
    p80_days: float

    @property
    def days(self) -> tuple[int, int]:
        """Whole business days: a fraction of a day still has to be waited out."""
        return max(1, math.ceil(self.median_days)), max(1, math.ceil(self.p80_days))


def choose_turnaround(
    in_state: Turnaround | None, every_state: Turnaround | None
) -> tuple[Turnaround | None, Basis]:
    """The most specific history with enough decisions, or None for the 45-day promise."""
    if in_state is not None and in_state.decisions >= MIN_DECISIONS:
        return in_state, Basis.PAYER_IN_STATE
    if every_state is not None and every_state.decisions >= MIN_DECISIONS:
        return every_state, Basis.PAYER
    return None, Basis.PROMISE


def add_business_days(day: date, days: int, calendar: BusinessCalendar) -> date:
    """The `days`-th business day after `day` (how the SQL counts: days in (submitted, decided])."""
    for _ in range(days):
        day = calendar.next_business_day(day)
    return day


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def _full_day(day: date) -> str:
    return f"{_day(day)}, {day.year}"


def dates_between(first: date, last: date) -> str:
    """ "Jan 12 and Feb 2, 2027"; both years when they differ."""
    if first.year == last.year:
        return f"{_day(first)} and {_full_day(last)}"
    return f"{_full_day(first)} and {_full_day(last)}"


@dataclass(frozen=True)
class DecisionRange:
    """When a submitted application's decision is expected."""

    earliest: date
    latest: date
    basis: Basis
    # Past this moment the application is later than expected (the end of `latest`, or for the
    # promise the 45 days to the minute, as PRODUCT.md states it).
    overdue_after: datetime
    turnaround: Turnaround | None = None  # the history it comes from (None for the promise)

    @property
    def is_range(self) -> bool:
        return self.earliest != self.latest

    @property
    def words(self) -> str:
        """What follows "Decision expected": "between Jan 12 and Feb 2, 2027", "by Mar 1, 2027"."""
        if self.is_range:
            return f"between {dates_between(self.earliest, self.latest)}"
        return f"by {_full_day(self.latest)}"

    @property
    def label(self) -> str:
        return f"Decision expected {self.words}"

    def is_past(self, now: datetime) -> bool:
        return self.overdue_after < now


def decision_range(
    *, submitted_at: datetime, turnaround: Turnaround | None, basis: Basis, calendar: BusinessCalendar
) -> DecisionRange:
    """The expected decision of an application submitted at `submitted_at`."""
    zone = calendar.time_zone
    if turnaround is None:
        due = expected_decision_at(submitted_at)
        return DecisionRange(due.astimezone(zone).date(), due.astimezone(zone).date(), Basis.PROMISE, due)
    submitted_on = submitted_at.astimezone(zone).date()
    median, p80 = turnaround.days
    earliest = add_business_days(submitted_on, median, calendar)
    latest = add_business_days(submitted_on, p80, calendar)
    end_of_latest = datetime.combine(latest + timedelta(days=1), time.min, tzinfo=zone)
    return DecisionRange(earliest, latest, basis, end_of_latest, turnaround)


def _previous_business_day(day: date, calendar: BusinessCalendar) -> date:
    day -= timedelta(days=1)
    while not calendar.is_business_day(day):
        day -= timedelta(days=1)
    return day


def late_cutoff(moment: datetime, *, turnaround: Turnaround | None, calendar: BusinessCalendar) -> datetime:
    """The instant before which an application under this clock had to be submitted to be past
    its expected decision at `moment`: `decision_range(...).overdue_after < moment` exactly when
    `submitted_at < late_cutoff(moment, ...)`.

    The end of the expected range only moves later as the submission is later (the promise: to
    the minute; a history: by its local day), so for one payer and state "late" is a comparison
    SQL can make on every row, instead of this module dating each application (the SLA board at
    national scale). `moment` later gives a later cutoff: "due before `moment`" for any moment.
    """
    if turnaround is None:
        return moment - timedelta(days=DECISION_DAYS)
    zone = calendar.time_zone
    # The range ends at the midnight after its last day: the latest last day already ended.
    local = moment.astimezone(zone)
    ended = local.date() - timedelta(days=1 if local.time() > time.min else 2)
    last_business_day = ended if calendar.is_business_day(ended) else _previous_business_day(ended, calendar)
    # Submissions from the (p80 - 1)-th business day before it on end after it (add_business_days
    # counts the days in (submitted, decided]); every earlier local day ends on it or before.
    first_not_late = last_business_day
    for _ in range(turnaround.days[1] - 1):
        first_not_late = _previous_business_day(first_not_late, calendar)
    return datetime.combine(first_not_late, time.min, tzinfo=zone)


def typical_wait(turnaround: Turnaround | None) -> str:
    """How long a decision takes once submitted, for an application not submitted yet."""
    if turnaround is None:
        return f"Once we submit it, the payer decides within {DECISION_DAYS} days."
    median, p80 = turnaround.days
    span = f"{median} business days" if median == p80 else f"{median} to {p80} business days"
    return f"Once we submit it, a decision usually takes {span}."


def basis_words(decision: DecisionRange, *, payer: str, state: str) -> str:
    """Where the range comes from, in one sentence for the provider."""
    if decision.turnaround is None:
        return f"Alma's 45-day promise: too few past decisions by {payer} to say more."
    decisions = decision.turnaround.decisions
    where = f" for providers practising in {state}" if decision.basis == Basis.PAYER_IN_STATE else ""
    return (
        f"From {decisions} recent decisions by {payer}{where}: half came within "
        f"{decision.turnaround.days[0]} business days, four in five within {decision.turnaround.days[1]}."
    )


class NextActor(StrEnum):
    PROVIDER = "provider"
    ALMA = "alma"
    PAYER = "payer"
    NOBODY = "nobody"


@dataclass(frozen=True)
class DatedStatus:
    """One application as the provider reads it (Medallion's status + status_reason, dated)."""

    status: str
    payer: str
    reason: str  # why it is where it is, or "" when the status says it all
    next_actor: NextActor
    next_step: str  # who acts next and what they do, in a sentence
    decision: DecisionRange | None = None  # submitted applications only
    expected: str = ""  # "Decision expected between ...", or the typical wait before submission
    basis: str = ""  # where the range comes from
    follow_up: str = ""  # for a late one: what Alma is doing about it

    @property
    def overdue(self) -> bool:
        return bool(self.follow_up)

    @property
    def next_actor_label(self) -> str:
        return {
            NextActor.PROVIDER: "You",
            NextActor.ALMA: "Alma",
            NextActor.PAYER: self.payer,
            NextActor.NOBODY: "No one",
        }[self.next_actor]


@dataclass(frozen=True)
class StatusFacts:
    """What the status words are decided from (one application, already loaded)."""

    payer: str
    state: str  # the provider's practice state ("" when not given)
    status: str  # an ApplicationStatus value
    latest_note: str  # the note of the application's latest event
    denial_reason: str
    effective_date: date | None
    caqh_due: date | None  # when the provider's CAQH attestation lapses (None: not on file)
    submitted_at: datetime | None
    turnaround: Turnaround | None
    basis: Basis


def dated_status(facts: StatusFacts, *, now: datetime, calendar: BusinessCalendar) -> DatedStatus:
    """The status, its reason, who acts next and the expected decision of one application."""
    payer, status = facts.payer, facts.status
    today = now.astimezone(calendar.time_zone).date()
    # Only a lapse the portal knows of: no attestation date on file says nothing either way.
    caqh_lapsed = facts.caqh_due is not None and facts.caqh_due < today
    note = facts.latest_note.strip()
    if status == "approved":
        effective = facts.effective_date
        return DatedStatus(
            status,
            payer,
            reason="",
            next_actor=NextActor.NOBODY,
            next_step=f"Nothing to do: you are in network with {payer}"
            + (f" from {_full_day(effective)}." if effective else "."),
        )
    if status == "denied":
        return DatedStatus(
            status,
            payer,
            reason=facts.denial_reason or note,
            next_actor=NextActor.PROVIDER,
            next_step="You can request credentialing again when the reason no longer applies.",
        )
    if status == "withdrawn":
        return DatedStatus(
            status,
            payer,
            reason=note,
            next_actor=NextActor.NOBODY,
            next_step=f"You unenrolled. You can request credentialing with {payer} again at any time.",
        )
    caqh = (
        "Waiting for your CAQH attestation: payers read your CAQH profile, and it must be attested "
        "within the last 120 days."
    )
    if status == "requested":
        if caqh_lapsed:
            return DatedStatus(
                status,
                payer,
                reason=caqh,
                next_actor=NextActor.PROVIDER,
                next_step="Re-attest your CAQH ProView profile: we submit your application once it is.",
                expected=typical_wait(facts.turnaround),
            )
        return DatedStatus(
            status,
            payer,
            reason=note,
            next_actor=NextActor.ALMA,
            next_step=f"Alma's credentialing team is preparing your application to {payer}.",
            expected=typical_wait(facts.turnaround),
        )
    # Submitted: the payer decides, by a date the history (or the promise) gives.
    if facts.submitted_at is None:  # never: the service that submits it sets the time
        raise ValueError("a submitted application has its submission time")
    decision = decision_range(
        submitted_at=facts.submitted_at, turnaround=facts.turnaround, basis=facts.basis, calendar=calendar
    )
    late = decision.is_past(now)
    actor, step = NextActor.PAYER, f"{payer} is reviewing your application."
    reason = note
    if caqh_lapsed:
        actor, reason = NextActor.PROVIDER, caqh
        step = f"Re-attest your CAQH ProView profile so {payer} can finish its review."
    return DatedStatus(
        status,
        payer,
        reason=reason,
        next_actor=actor,
        next_step=step,
        decision=decision,
        expected=decision.label,
        basis=basis_words(decision, payer=payer, state=facts.state),
        follow_up=(
            f"Past the expected date: Alma's credentialing team is following up with {payer}." if late else ""
        ),
    )
