"""Reads that compose several apps: the staff review queue of both onboarding forms."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from alma.timekeeping import company_calendar
from credentialing.models import InsuranceForm
from onboarding.models import GeneralOnboarding, Provider, ReviewedForm, ReviewStatus

BUSINESS_DAY = timedelta(days=1)  # one business day is 24 business hours (alma.business_days)


@dataclass(frozen=True)
class QueuedSubmission:
    """One submitted form waiting for a staff decision, with its review clock."""

    provider: Provider
    form: ReviewedForm
    record: GeneralOnboarding | InsuranceForm
    submitted_at: datetime
    waiting: timedelta  # business time only (company calendar)
    review_due_at: datetime

    @property
    def round(self) -> int:
        return self.record.review_round

    @property
    def overdue(self) -> bool:
        # PRODUCT.md: a submission waiting for review longer than one business day is overdue.
        return self.waiting > BUSINESS_DAY

    @property
    def waiting_business_days(self) -> float:
        return self.waiting / BUSINESS_DAY

    @property
    def waiting_label(self) -> str:
        # Rounded down, so 23 hours reads "0.9", not "1.0", next to a submission not yet overdue.
        return f"{math.floor(self.waiting_business_days * 10) / 10:.1f} business days"


def review_queue(*, now: datetime | None = None) -> list[QueuedSubmission]:
    """Every submitted form waiting for review, oldest submission first.

    Two queries whatever the length of the queue (one per form model, providers joined); the
    business-time arithmetic is pure Python on the company calendar.
    """
    now = now or timezone.now()
    calendar = company_calendar()
    waiting: list[tuple[ReviewedForm, type[GeneralOnboarding] | type[InsuranceForm]]] = [
        (ReviewedForm.GENERAL_ONBOARDING, GeneralOnboarding),
        (ReviewedForm.INSURANCE_FORM, InsuranceForm),
    ]
    queue = []
    for form, model in waiting:
        records = (
            model.objects.filter(status=ReviewStatus.SUBMITTED)
            .select_related("provider__user")
            # Never the CAQH secret or the bio: the queue needs who, which round and since when.
            .only(
                "status",
                "review_round",
                "submitted_at",
                "provider__legal_name",
                "provider__user__email",
            )
        )
        for record in records:
            # A submitted form always has submitted_at; fall back to now rather than crash the page.
            submitted_at = record.submitted_at or now
            queue.append(
                QueuedSubmission(
                    provider=record.provider,
                    form=form,
                    record=record,
                    submitted_at=submitted_at,
                    waiting=calendar.business_time_between(submitted_at, now),
                    review_due_at=calendar.add_business_days(submitted_at, 1),
                )
            )
    queue.sort(key=lambda item: (item.submitted_at, item.form, item.record.pk))
    return queue
