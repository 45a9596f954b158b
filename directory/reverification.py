"""When a live profile's directory data must be confirmed again: a pure rule on dates.

The No Surprises Act (Public Health Service Act section 2799A-5, "provider directory
information") asks that a plan's directory data be verified at least every 90 days. Here the
provider verifies their own profile: "Looks right" or saving the profile page sets
`DirectoryProfile.reviewed_at`. A live profile never confirmed counts from the day it went live.

- confirmed on day D: confirm again by D + 90 days (the due date, itself still in time);
- from D + 80 days the provider is asked, once per period (the outbox key is the due date);
- from D + 91 days the profile is overdue: staff see it on the SLA board. It stays published:
  taking a provider out of the directory for a missed confirmation would hide a provider who
  is still in network, which serves no client; staff follow up instead.

Days are company calendar days (directory.selectors.company_today).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

REVERIFY_EVERY_DAYS = 90
ASK_AFTER_DAYS = 80


class Standing(enum.StrEnum):
    CURRENT = "current"  # confirmed less than 80 days ago
    ASK = "ask"  # 80 to 90 days: the provider is asked to confirm
    OVERDUE = "overdue"  # past 90 days


@dataclass(frozen=True)
class Reverification:
    last_confirmed_on: date
    # True when the profile was never confirmed and the period counts from its go-live day.
    from_go_live: bool

    @property
    def due_on(self) -> date:
        return self.last_confirmed_on + timedelta(days=REVERIFY_EVERY_DAYS)

    @property
    def ask_from(self) -> date:
        return self.last_confirmed_on + timedelta(days=ASK_AFTER_DAYS)

    def standing(self, today: date) -> Standing:
        if today > self.due_on:
            return Standing.OVERDUE
        if today >= self.ask_from:
            return Standing.ASK
        return Standing.CURRENT

    @property
    def outbox_key(self) -> str:
        """One email per 90-day period, however often the sweep runs: the period's due date."""
        return f"due-{self.due_on.isoformat()}"


def reverification(*, confirmed_on: date | None, went_live_on: date | None) -> Reverification | None:
    """The period a profile is in, from its last confirmation, else its go-live day; None for a
    profile that was neither confirmed nor ever live (there is nothing in the directory yet)."""
    if confirmed_on is not None:
        return Reverification(confirmed_on, from_go_live=False)
    if went_live_on is not None:
        return Reverification(went_live_on, from_go_live=True)
    return None


def ask_on_or_before(today: date) -> date:
    """The latest basis day whose profile is asked today (the sweep's SQL bound)."""
    return today - timedelta(days=ASK_AFTER_DAYS)


def overdue_on_or_before(today: date) -> date:
    """The latest basis day whose profile is overdue today (the SLA board's SQL bound)."""
    return today - timedelta(days=REVERIFY_EVERY_DAYS + 1)
