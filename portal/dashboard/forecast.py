"""The go-live forecast: while the directory's rule cannot date the profile yet, when it is
likely to go live and what it waits for ("Likely live between Jan 12 and Feb 2, 2027: waiting
for Aetna's decision").

It reads the same expected decision ranges as each payer's status (credentialing.turnaround):
the first approval is likely the soonest expected decision among the submitted applications.
It assumes the payer's effective date is the day of its decision (payers often backdate it or
set it to the day they decide; a later effective date moves the real go-live date, which the
rule then states exactly). Pure: plain values in, a forecast out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from credentialing.decision_clock import DatedStatus, dates_between
from directory.golive import Blocker, GoLiveDecision, day_label


@dataclass(frozen=True)
class GoLiveForecast:
    earliest: date | None
    latest: date | None
    conditions: tuple[str, ...]  # what it waits for, in the provider's words

    @property
    def label(self) -> str:
        if self.earliest is None or self.latest is None:
            return "Not dated yet"
        if self.earliest == self.latest:
            return f"Likely live on {day_label(self.latest)}"
        return f"Likely live between {dates_between(self.earliest, self.latest)}"

    @property
    def waiting_for(self) -> str:
        if len(self.conditions) < 2:
            return "".join(self.conditions)
        return f"{', '.join(self.conditions[:-1])} and {self.conditions[-1]}"

    @property
    def sentence(self) -> str:
        return f"{self.label}: {self.waiting_for}." if self.conditions else f"{self.label}."


def _training_condition(*, webinar_done: bool, quiz_done: bool) -> str:
    if webinar_done:
        return "after you finish the training quiz"
    if quiz_done:
        return "after you finish the training webinar"
    return "after you finish the training webinar and quiz"


def go_live_forecast(
    *,
    decision: GoLiveDecision,
    payers: list[DatedStatus],
    contracted_start: date,
    webinar_done: bool,
    quiz_done: bool,
    today: date,
) -> GoLiveForecast | None:
    """None when the rule has a date already, or when nothing dated can be said (hidden by
    staff, offboarded: the rule's own reason says why)."""
    if decision.go_live_on is not None or not decision.blockers:
        return None
    if Blocker.HIDDEN_BY_STAFF in decision.blockers or Blocker.OFFBOARDED in decision.blockers:
        return None
    floor = max(decision.not_before or contracted_start, today)
    earliest: date | None = floor
    latest: date | None = floor
    conditions: list[str] = []
    if Blocker.NO_APPROVED_PAYER in decision.blockers:
        pending = [(s, s.decision) for s in payers if s.decision is not None and not s.overdue]
        late = [s for s in payers if s.decision is not None and s.overdue]
        requested = [s for s in payers if s.status == "requested"]
        if pending:
            first, expected = min(pending, key=lambda pair: (pair[1].latest, pair[1].earliest))
            earliest, latest = max(floor, expected.earliest), max(floor, expected.latest)
            conditions.append(f"waiting for {first.payer}'s decision")
        elif late:
            earliest = latest = None
            conditions.append(
                f"waiting for {late[0].payer}'s decision, later than expected: Alma is following up"
            )
        elif requested:
            earliest = latest = None
            conditions.append(f"waiting for Alma to submit your application to {requested[0].payer}")
        else:
            earliest = latest = None
            conditions.append("after you request credentialing with a payer")
    if Blocker.TRAINING_NOT_DONE in decision.blockers:
        conditions.append(_training_condition(webinar_done=webinar_done, quiz_done=quiz_done))
    if Blocker.PROFILE_NOT_APPROVED in decision.blockers:
        conditions.append("after our team approves your General Onboarding form")
    if earliest is not None and contracted_start >= earliest and contracted_start > today:
        # The contracted start sets (part of) the range: say so.
        conditions.append(f"on your contracted start date {day_label(contracted_start)}")
    return GoLiveForecast(earliest, latest, tuple(conditions))
