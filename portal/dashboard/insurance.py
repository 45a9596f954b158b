"""The action items of "Understanding Insurance" (the webinar, the quiz, a payer's approval) and
each payer's status in the credentialing section."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from credentialing.decision_clock import DatedStatus
from credentialing.models import ApplicationStatus, PayerApplication
from directory.golive import day_label
from onboarding.models import Provider
from portal.dashboard.action_items import Facts, Item, on, page_url, related
from support.action_items import ActionItem


def _training(provider: Provider, facts: Facts, *, key: str, attribute: str, done_label: str) -> Item:
    progress = related(provider, "training_progress")
    finished = getattr(progress, attribute) if progress is not None else None
    title = ActionItem(key).label
    if finished:
        return Item(key, title, done=True, status=f"{done_label} · {on(finished)}")
    item = Item(key, title, done=False, status="Not yet", cta_url=page_url(key))
    if key == ActionItem.WEBINAR:
        item.cta_label = "Watch the webinar"
        item.detail = "Any time you like: it doesn't have to wait for the other steps."
    else:
        watched = progress is not None and progress.webinar_completed_at
        item.cta_label = "Take the quiz"
        item.detail = (
            "A few questions on the webinar." if watched else "We suggest watching the webinar first."
        )
    return item


def webinar(provider: Provider, facts: Facts) -> Item:
    return _training(
        provider, facts, key=ActionItem.WEBINAR, attribute="webinar_completed_at", done_label="Watched"
    )


def quiz(provider: Provider, facts: Facts) -> Item:
    return _training(provider, facts, key=ActionItem.QUIZ, attribute="quiz_passed_at", done_label="Passed")


def payer_approval(provider: Provider, facts: Facts) -> Item:
    key, title = ActionItem.PAYER_APPROVAL, ActionItem.PAYER_APPROVAL.label
    start = facts.effective_start_date
    if start is not None:
        count = facts.approved_payers
        status = (
            f"{count} payer{'s' if count != 1 else ''} approved · effective start date {day_label(start)}"
        )
        return Item(key, title, done=True, status=status, required=False)
    item = Item(
        key,
        title,
        done=False,
        status="No payer has approved you yet",
        cta_url=reverse("insurance:overview"),
        required=False,
    )
    if facts.applications_in_progress:
        count = facts.applications_in_progress
        item.status = f"{count} application{'s' if count != 1 else ''} in progress"
        item.detail = _soonest_decision(facts.payer_statuses)
        item.cta_label = "See your applications"
        item.waiting = True
    else:
        item.detail = "Choose the insurance payers you'd like to be in-network with."
        item.cta_label = "Request credentialing"
    return item


def _soonest_decision(statuses: list[DatedStatus]) -> str:
    """The payer decision expected first, for the item's detail line."""
    dated = [(s, s.decision) for s in statuses if s.decision is not None and not s.overdue]
    if dated:
        first, expected = min(dated, key=lambda pair: pair[1].latest)
        return f"{first.payer}: {expected.label[0].lower()}{expected.label[1:]}."
    late = next((s for s in statuses if s.overdue), None)
    if late is not None:
        return late.follow_up
    return "Alma submits each application to the payer; payers decide within 45 days of submission."


# ---------------------------------------------------------------------------------------------
# Each payer's status

PAYERS_SHOWN = 10

# Approved first, then what is moving, then what has ended.
PAYER_ORDER: list[str] = [
    ApplicationStatus.APPROVED,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REQUESTED,
    ApplicationStatus.DENIED,
    ApplicationStatus.WITHDRAWN,
]


@dataclass(frozen=True)
class PayerStatus:
    name: str
    slug: str
    status: str
    status_label: str
    when: str  # the one date that matters for this status, in words
    dated: DatedStatus  # the reason, who acts next, the expected decision (credentialing.turnaround)

    @property
    def overdue(self) -> bool:
        return self.dated.overdue


def payer_status(application: PayerApplication, dated: DatedStatus) -> PayerStatus:
    status = application.status
    # An approval always has its effective date (a constraint on PayerApplication).
    if status == ApplicationStatus.APPROVED and application.effective_date:
        when = f"Effective {day_label(application.effective_date)}"
    elif status == ApplicationStatus.SUBMITTED and dated.decision is not None:
        when = dated.decision.label
    elif status == ApplicationStatus.DENIED:
        when = f"Denied {on(application.decided_at)}"
    elif status == ApplicationStatus.WITHDRAWN:
        when = f"Unenrolled {on(application.withdrawn_at)}"
    else:
        when = f"Requested {on(application.requested_at)}"
    return PayerStatus(
        name=application.payer.name,
        slug=application.payer.slug,
        status=status,
        status_label=application.get_status_display(),
        when=when,
        dated=dated,
    )
