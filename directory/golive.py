"""The directory go-live rule (PRODUCT.md, "Directory"), on plain values. No Django import.

A profile is live from max(credentialing effective date, contracted start date), and only once
the webinar and quiz are done, so a late webinar moves the go-live to the day it is done. It
is built from the approved General Onboarding form, so it cannot go live before that form is
approved. Staff can hide a profile, and offboarding hides it for good.

Every caller asks this one function: the Onboarding Dashboard, the publishing sweep (which
selects due profiles in SQL and checks each against this rule before publishing it),
`publish_profiles` and the event hooks. The decision explains itself: the date and why it is
that date, or what still blocks it, in plain words.

Dates are the company's calendar days: callers turn "training completed at" (a moment) into
the day it happened in the company time zone before asking.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Blocker(StrEnum):
    """What keeps a profile from having a go-live date at all."""

    NO_APPROVED_PAYER = "no_approved_payer"
    TRAINING_NOT_DONE = "training_not_done"
    PROFILE_NOT_APPROVED = "profile_not_approved"
    HIDDEN_BY_STAFF = "hidden_by_staff"
    OFFBOARDED = "offboarded"

    @property
    def label(self) -> str:
        """What the provider reads (dashboard, portal)."""
        return _BLOCKER_LABELS[self]

    @property
    def summary(self) -> str:
        """What an operator reads (publish_profiles, the profile's history)."""
        return _BLOCKER_SUMMARIES[self]


_BLOCKER_LABELS = {
    Blocker.NO_APPROVED_PAYER: "No insurance payer has approved you yet",
    Blocker.TRAINING_NOT_DONE: "The Insurance Program Training Webinar and quiz are not done yet",
    Blocker.PROFILE_NOT_APPROVED: "Our team has not approved your General Onboarding form yet",
    Blocker.HIDDEN_BY_STAFF: "Our team has hidden your profile from the directory",
    Blocker.OFFBOARDED: "You have left Alma, so your profile is no longer listed",
}
_BLOCKER_SUMMARIES = {
    Blocker.NO_APPROVED_PAYER: "no approved payer",
    Blocker.TRAINING_NOT_DONE: "training not done",
    Blocker.PROFILE_NOT_APPROVED: "General Onboarding form not approved",
    Blocker.HIDDEN_BY_STAFF: "hidden by staff",
    Blocker.OFFBOARDED: "offboarded",
}
# The switches that block a profile whatever its dates.
_SWITCHES = (Blocker.PROFILE_NOT_APPROVED, Blocker.HIDDEN_BY_STAFF, Blocker.OFFBOARDED)


class Basis(StrEnum):
    """Which of the three conditions set the go-live date (the latest of them)."""

    EFFECTIVE_DATE = "effective_date"
    CONTRACTED_START = "contracted_start"
    TRAINING_COMPLETED = "training_completed"


def day_label(day: date) -> str:
    """Dates as the portal writes them ("Jan 5, 2026", Django's "M j, Y")."""
    return f"{day:%b} {day.day}, {day.year}"


@dataclass(frozen=True)
class GoLiveDecision:
    # The day the profile goes (or went) live; None while something blocks it.
    go_live_on: date | None
    # One sentence to the provider saying why it is that day, or what it waits for.
    reason: str
    blockers: tuple[Blocker, ...] = ()
    # While blocked: the earliest day it could go live once the blockers are cleared.
    not_before: date | None = None
    # Which condition set go_live_on (None while blocked).
    basis: Basis | None = None

    @property
    def is_blocked(self) -> bool:
        return bool(self.blockers)

    def is_live_on(self, day: date) -> bool:
        return self.go_live_on is not None and self.go_live_on <= day

    def summary(self, today: date) -> str:
        """One line for operators: why the profile is (or is not) due on `today`."""
        if self.go_live_on is None or self.basis is None:  # basis is set exactly when the date is
            blocked = ", ".join(blocker.summary for blocker in self.blockers)
            earliest = f"; not before {self.not_before:%Y-%m-%d}" if self.not_before else ""
            return f"blocked: {blocked}{earliest}"
        words = {
            Basis.EFFECTIVE_DATE: "credentialing effective date",
            Basis.CONTRACTED_START: "contracted start date",
            Basis.TRAINING_COMPLETED: "training completed",
        }[self.basis]
        when = "has come" if self.go_live_on <= today else "is still ahead"
        return f"go-live date {self.go_live_on:%Y-%m-%d} ({words}) {when}"


def go_live_decision(
    *,
    effective_start_date: date | None,
    contracted_start_date: date,
    training_completed_on: date | None,
    general_onboarding_approved: bool = True,
    hidden_by_staff: bool = False,
    offboarded: bool = False,
) -> GoLiveDecision:
    """When the profile goes live, and why.

    effective_start_date: the earliest effective date among approved payer applications (None
    while no payer has approved the provider, e.g. after they withdrew from their only approved
    payer). training_completed_on: the day the webinar and the quiz were both done (None until
    then). general_onboarding_approved: staff approved the General Onboarding form the profile is
    built from. hidden_by_staff, offboarded: the directory's own switches.

    The three switches default to "nothing against it" so that a caller that only knows the
    dates (a what-if on the dates alone) still reads naturally; the dashboard and the publisher
    pass all six.
    """
    blockers = []
    if effective_start_date is None:
        blockers.append(Blocker.NO_APPROVED_PAYER)
    if training_completed_on is None:
        blockers.append(Blocker.TRAINING_NOT_DONE)
    if not general_onboarding_approved:
        blockers.append(Blocker.PROFILE_NOT_APPROVED)
    if hidden_by_staff:
        blockers.append(Blocker.HIDDEN_BY_STAFF)
    if offboarded:
        blockers.append(Blocker.OFFBOARDED)

    known = [d for d in (effective_start_date, contracted_start_date, training_completed_on) if d]
    earliest = max(known)
    # A missing date is always a blocker; naming both again tells the type checker they are set.
    if blockers or effective_start_date is None or training_completed_on is None:
        return GoLiveDecision(
            None, _blocked_reason(blockers, contracted_start_date, earliest), tuple(blockers), earliest
        )

    go_live_on = earliest
    contracted = f"your contracted start date ({day_label(contracted_start_date)})"
    effective = f"your credentialing effective date ({day_label(effective_start_date)})"
    if training_completed_on > max(effective_start_date, contracted_start_date):
        basis = Basis.TRAINING_COMPLETED
        reason = (
            "The day you finished the Insurance Program Training Webinar and quiz, which came after "
            f"{effective} and {contracted}."
        )
    elif effective_start_date >= contracted_start_date:
        basis = Basis.EFFECTIVE_DATE
        reason = f"Your credentialing effective date, which is on or after {contracted}."
    else:
        basis = Basis.CONTRACTED_START
        reason = f"Your contracted start date, which is after {effective}."
    return GoLiveDecision(go_live_on, reason, basis=basis)


def _blocked_reason(blockers: list[Blocker], contracted_start_date: date, not_before: date) -> str:
    if Blocker.OFFBOARDED in blockers:
        return "You have left Alma, so your profile is no longer listed in the directory."
    if Blocker.HIDDEN_BY_STAFF in blockers:
        return (
            "Our team has hidden your profile from the directory. Contact Member Support to find out "
            "why and what happens next."
        )
    contracted = f"your contracted start date ({day_label(contracted_start_date)})"
    dates = [b for b in blockers if b not in _SWITCHES]
    form_too = Blocker.PROFILE_NOT_APPROVED in blockers
    if dates == [Blocker.TRAINING_NOT_DONE]:
        reason = (
            "Your profile goes live once you finish the Insurance Program Training Webinar and "
            f"quiz: on {day_label(not_before)}, or the day you finish them if that is later."
        )
    elif dates == [Blocker.NO_APPROVED_PAYER]:
        reason = (
            "Your profile goes live once your first insurance payer approves you: on your "
            f"credentialing effective date or {contracted}, whichever is later."
        )
    elif dates:
        reason = (
            "Your profile goes live once your first insurance payer approves you and you have "
            "finished the Insurance Program Training Webinar and quiz; not before "
            f"{contracted}."
        )
    else:
        # Only the form: the dates are all known, the approval is what waits.
        return (
            "Your profile goes live once our team approves your General Onboarding form: on "
            f"{day_label(not_before)}, or the day it is approved if that is later."
        )
    if form_too:
        reason += (
            " Our team must also approve your General Onboarding form, which your profile is built from."
        )
    return reason
