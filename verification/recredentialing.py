"""Recredentialing every 36 months: the due date, the reminders, and where a provider stands.

NCQA (credentialing standards, files decided from 1 July 2025): a practitioner is recredentialed
at least every 36 months, with no grace period for the due date itself. A provider past it is
flagged; 30 days after it, the provider must go through initial credentialing again.

- due date: the approved decision's date + 36 calendar months (dateutil's relativedelta). An
  approval on 29 February falls due on 28 February three years on (never on 1 March: "at least
  every 36 months" allows earlier, never later);
- reminders 120, 90 and 30 days before the due date, to the provider and to staff. A sweep that
  missed days sends only the reminder of the window it is in now (days 120..91 before: the
  120-day one; 90..31: the 90-day one; 30..0: the 30-day one), never two at once, the way the
  expiry reminders do (credentialing.expirables);
- status on a date: current (more than 120 days left), due soon (recredentialing open: 120 days
  or fewer, the due date itself included), past due (1 to 30 days after; flagged), initial
  credentialing required (31 days or more after).

Pure Python on plain values (no Django), table-tested without a database
(tests/verification/test_recredentialing_rule.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta

RECREDENTIALING_MONTHS = 36
REMINDER_DAYS = (120, 90, 30)
OPENS_DAYS_BEFORE = max(REMINDER_DAYS)  # recredentialing opens with the first reminder
GRACE_DAYS = 30


class Standing(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"
    PAST_DUE = "past_due"
    INITIAL_REQUIRED = "initial_required"


STANDING_LABELS = {
    Standing.CURRENT: "Credentialed",
    Standing.DUE_SOON: "Recredentialing due soon",
    Standing.PAST_DUE: "Recredentialing past due",
    Standing.INITIAL_REQUIRED: "Initial credentialing required",
}


def recredentialing_due_on(decided_on: date) -> date:
    """36 calendar months after the approval (29 February -> 28 February)."""
    return decided_on + relativedelta(months=RECREDENTIALING_MONTHS)


def grace_ends_on(due_on: date) -> date:
    """The last day of the 30 days past the due date; the day after, initial credentialing."""
    return due_on + timedelta(days=GRACE_DAYS)


def standing_on(due_on: date, today: date) -> Standing:
    days_left = (due_on - today).days
    if days_left > OPENS_DAYS_BEFORE:
        return Standing.CURRENT
    if days_left >= 0:
        return Standing.DUE_SOON
    if days_left >= -GRACE_DAYS:
        return Standing.PAST_DUE
    return Standing.INITIAL_REQUIRED


def reminder_due(due_on: date, today: date) -> int | None:
    """The reminder (120, 90 or 30) whose window `today` is in, or None (too early, or past due)."""
    days_left = (due_on - today).days
    if days_left < 0:
        return None
    windows = [days for days in REMINDER_DAYS if days_left <= days]
    return min(windows) if windows else None


def reminder_key(due_on: date, days: int) -> str:
    """The outbox key of a reminder: one email per due date and threshold, however often the
    sweep runs; a new approval (a new due date) starts afresh."""
    return f"{due_on.isoformat()}:{days}"


@dataclass(frozen=True)
class RecredentialingStatus:
    due_on: date
    today: date

    @property
    def standing(self) -> Standing:
        return standing_on(self.due_on, self.today)

    @property
    def label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def grace_ends_on(self) -> date:
        return grace_ends_on(self.due_on)

    @property
    def flagged(self) -> bool:
        return self.standing in {Standing.PAST_DUE, Standing.INITIAL_REQUIRED}
