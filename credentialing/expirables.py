"""Credentials that expire, and when to remind the provider (pure: dates in, decisions out).

Licenses, liability insurance, the DEA registration and board certification carry expiry dates;
CAQH asks providers to re-attest every 120 days. Reminders go 60, 30 and 7 days before expiry,
each exactly once. A sweep that missed a day sends only the reminder for the window it is in
now (never three at once), and a renewed credential (a new expiry date) starts afresh.
"""

from dataclasses import dataclass
from datetime import date, timedelta

REMINDER_DAYS = (60, 30, 7)
CAQH_ATTESTATION_VALID = timedelta(days=120)


@dataclass(frozen=True)
class Expirable:
    provider_id: int
    kind: str  # license, liability, dea, board, caqh_attestation
    reference: str  # what identifies it to the provider, e.g. "NY LCSW license R-081234"
    expires_on: date
    # What stays the same when the provider corrects a typo in a number: one license per state
    # and type, one policy, one DEA registration, one board certification, one CAQH profile.
    # Reminders are keyed on it, so a correction never repeats one.
    identity: str = ""

    def __post_init__(self) -> None:
        if not self.identity:
            object.__setattr__(self, "identity", self.kind)

    def days_left(self, today: date) -> int:
        return (self.expires_on - today).days


KIND_LABELS = {
    "license": "State license",
    "liability": "Professional liability insurance",
    "dea": "DEA registration",
    "board": "Board certification",
    "caqh_attestation": "CAQH re-attestation",
}


def reminder_due(expirable: Expirable, today: date) -> int | None:
    """The reminder (60, 30 or 7) whose window `today` is in, or None (too early or expired)."""
    days_left = expirable.days_left(today)
    if days_left < 0:
        return None
    windows = [days for days in REMINDER_DAYS if days_left <= days]
    return min(windows) if windows else None


def caqh_attestation_due(attested_on: date) -> date:
    return attested_on + CAQH_ATTESTATION_VALID
