"""File readiness: is every required item of a credentialing file present, and will each still be
fresh enough on the day the Credentialing Committee decides?

NCQA (credentialing standards for files decided from 1 July 2025): primary-source verification
must be no older than 120 days on the decision date. Day 120 is still within; day 121 is not.
Pure Python on plain values (no Django), so the clock is table-tested without a database.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

PSV_MAX_AGE_DAYS = 120


@dataclass(frozen=True)
class FileItem:
    """One required item: `verified_on` is the latest acceptable verification, None if missing.

    `problem` is set when the latest verification cannot count (a discrepancy, an open
    exclusion case): the item is present but not acceptable."""

    key: str
    label: str
    verified_on: date | None
    problem: str = ""


@dataclass(frozen=True)
class ItemReadiness:
    key: str
    label: str
    present: bool
    verified_on: date | None
    age_days: int | None  # today
    age_on_decision: int | None  # on the planned decision date
    ready: bool
    reason: str  # why it is not ready; "" when it is


@dataclass(frozen=True)
class FileReadiness:
    today: date
    decision_on: date
    items: tuple[ItemReadiness, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return bool(self.items) and all(item.ready for item in self.items)

    @property
    def reasons(self) -> list[str]:
        if not self.items:
            return ["The file has no required items: the Insurance Form is not in yet."]
        return [f"{item.label}: {item.reason}" for item in self.items if not item.ready]

    def as_dict(self) -> dict[str, Any]:
        """For CredentialingDecision.file_snapshot: JSON-ready, dates as ISO strings."""
        return {
            "today": self.today.isoformat(),
            "decision_on": self.decision_on.isoformat(),
            "ready": self.ready,
            "items": [
                {**asdict(item), "verified_on": item.verified_on.isoformat() if item.verified_on else None}
                for item in self.items
            ],
        }


def decision_date_problem(decided_on: date, *, today: date) -> str:
    """Why a decision cannot carry this date ("" when it can): a decision is recorded once made."""
    if decided_on > today:
        return f"A decision cannot be dated in the future ({decided_on:%d %b %Y} is after today)."
    return ""


# How far back a decision may be dated without an Admin's override. A backdated decision lets
# older verifications count (the 120-day PSV rule is measured to the decision date) and starts the
# NCQA 30-day notice clock in the past, so a late entry is allowed only within a month of the
# meeting; anything older needs an Admin's written reason.
MAX_BACKDATE_DAYS = 30


def backdating_problem(decided_on: date, *, today: date, latest_decided_on: date | None) -> str:
    """Why a decision's date needs an Admin's override ("" when it does not): it is earlier than
    the provider's latest decision (it would rewrite the history), or more than
    MAX_BACKDATE_DAYS before today."""
    if latest_decided_on is not None and decided_on < latest_decided_on:
        return (
            f"The decision date {decided_on:%d %b %Y} is before the provider's latest decision "
            f"({latest_decided_on:%d %b %Y})."
        )
    if (today - decided_on).days > MAX_BACKDATE_DAYS:
        return (
            f"The decision date {decided_on:%d %b %Y} is more than {MAX_BACKDATE_DAYS} days ago: "
            "older verifications would count and the notice clock would start in the past."
        )
    return ""


def item_readiness(item: FileItem, *, today: date, decision_on: date) -> ItemReadiness:
    if item.verified_on is None:
        return ItemReadiness(item.key, item.label, False, None, None, None, False, "not verified yet")
    age = (today - item.verified_on).days
    age_on_decision = (decision_on - item.verified_on).days
    if age < 0:
        reason = "verified on a date still to come"
    elif item.problem:
        reason = item.problem
    elif age_on_decision < 0:
        # A decision dated before the verification did not rest on it.
        reason = f"verified after the decision date ({decision_on:%d %b %Y})"
    elif age_on_decision > PSV_MAX_AGE_DAYS:
        reason = (
            f"verified {age_on_decision} days before the decision date; "
            f"at most {PSV_MAX_AGE_DAYS} days are allowed"
        )
    else:
        reason = ""
    return ItemReadiness(
        item.key, item.label, True, item.verified_on, age, age_on_decision, ready=not reason, reason=reason
    )


def file_readiness(
    items: Iterable[FileItem], *, today: date, decision_on: date | None = None
) -> FileReadiness:
    """Each item's readiness on `decision_on` (today when not given), in the order given."""
    decision_on = decision_on or today
    return FileReadiness(
        today=today,
        decision_on=decision_on,
        items=tuple(item_readiness(item, today=today, decision_on=decision_on) for item in items),
    )
