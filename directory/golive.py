"""The directory go-live rule (PRODUCT.md, "Directory"), on plain dates. No Django import.

A profile is live from max(credentialing effective date, contracted start date), and only once
the webinar and quiz are done, so a late webinar moves the go-live to the day it is done.

Every caller (the Onboarding Dashboard now; the publishing job and `publish_profiles` later)
asks this one function, and the decision explains itself: the date and why it is that date, or
what still blocks it. Staff hiding a profile and offboarding are the directory's own switches,
not part of this rule.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Blocker(StrEnum):
    """What keeps a profile from having a go-live date at all."""

    NO_APPROVED_PAYER = "no_approved_payer"
    TRAINING_NOT_DONE = "training_not_done"

    @property
    def label(self) -> str:
        return _BLOCKER_LABELS[self]


_BLOCKER_LABELS = {
    Blocker.NO_APPROVED_PAYER: "No insurance payer has approved you yet",
    Blocker.TRAINING_NOT_DONE: "The Insurance Program Training Webinar and quiz are not done yet",
}


def day_label(day: date) -> str:
    """Dates as the portal writes them ("Jan 5, 2026", Django's "M j, Y")."""
    return f"{day:%b} {day.day}, {day.year}"


@dataclass(frozen=True)
class GoLiveDecision:
    # The day the profile goes (or went) live; None while something blocks it.
    go_live_on: date | None
    # One sentence saying why it is that day, or what it waits for.
    reason: str
    blockers: tuple[Blocker, ...] = ()
    # While blocked: the earliest day it could go live once the blockers are cleared.
    not_before: date | None = None

    @property
    def is_blocked(self) -> bool:
        return bool(self.blockers)

    def is_live_on(self, day: date) -> bool:
        return self.go_live_on is not None and self.go_live_on <= day


def go_live_decision(
    *,
    effective_start_date: date | None,
    contracted_start_date: date,
    training_completed_on: date | None,
) -> GoLiveDecision:
    """When the profile goes live, and why.

    effective_start_date: the earliest effective date among approved payer applications (None
    while no payer has approved the provider). training_completed_on: the day the webinar and the
    quiz were both done (None until then).
    """
    blockers = []
    if effective_start_date is None:
        blockers.append(Blocker.NO_APPROVED_PAYER)
    if training_completed_on is None:
        blockers.append(Blocker.TRAINING_NOT_DONE)

    contracted = f"your contracted start date ({day_label(contracted_start_date)})"
    if effective_start_date is None or training_completed_on is None:
        not_before = max(d for d in (effective_start_date, contracted_start_date) if d is not None)
        if blockers == [Blocker.TRAINING_NOT_DONE]:
            reason = (
                "Your profile goes live once you finish the Insurance Program Training Webinar and "
                f"quiz: on {day_label(not_before)}, or the day you finish them if that is later."
            )
        elif blockers == [Blocker.NO_APPROVED_PAYER]:
            reason = (
                "Your profile goes live once your first insurance payer approves you: on your "
                f"credentialing effective date or {contracted}, whichever is later."
            )
        else:
            reason = (
                "Your profile goes live once your first insurance payer approves you and you have "
                "finished the Insurance Program Training Webinar and quiz; not before "
                f"{contracted}."
            )
        return GoLiveDecision(None, reason, tuple(blockers), not_before)

    go_live_on = max(effective_start_date, contracted_start_date, training_completed_on)
    effective = f"your credentialing effective date ({day_label(effective_start_date)})"
    if go_live_on == training_completed_on and training_completed_on > max(
        effective_start_date, contracted_start_date
    ):
        reason = (
            "The day you finished the Insurance Program Training Webinar and quiz, which came after "
            f"{effective} and {contracted}."
        )
    elif effective_start_date >= contracted_start_date:
        reason = f"Your credentialing effective date, which is on or after {contracted}."
    else:
        reason = f"Your contracted start date, which is after {effective}."
    return GoLiveDecision(go_live_on, reason)
