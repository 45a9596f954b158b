"""What both onboarding forms share: when a provider may edit them, and what submitting means."""

from datetime import datetime
from typing import Protocol

from onboarding.errors import FormAlreadySubmitted
from onboarding.models import ReviewStatus

# A provider may change a form while it is a draft or after staff asked for changes.
EDITABLE = frozenset({ReviewStatus.DRAFT, ReviewStatus.CHANGES_REQUESTED})
SUBMISSION_FIELDS = ["status", "submitted_at", "review_round"]


class ReviewedRecord(Protocol):
    """A form staff review (the General Onboarding form, the Insurance Form): onboarding knows
    the fields they share, not the apps that define them."""

    status: str
    submitted_at: datetime | None
    review_round: int


def ensure_editable(form: ReviewedRecord) -> None:
    if form.status not in EDITABLE:
        raise FormAlreadySubmitted("This form has already been submitted.")


def mark_submitted(form: ReviewedRecord, *, now: datetime) -> bool:
    """Put a locked, editable form in the review queue; True on its first submission.

    A resubmission after a change request is the next review round (the caller saves
    SUBMISSION_FIELDS with the answers).
    """
    first_submission = form.status == ReviewStatus.DRAFT
    if not first_submission:
        form.review_round += 1
    form.status = ReviewStatus.SUBMITTED
    form.submitted_at = now
    return first_submission
