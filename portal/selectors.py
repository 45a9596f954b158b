"""Reads that compose several apps: the staff review queue of both onboarding forms."""

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import CharField, Count, F, Q, QuerySet, Value
from django.utils import timezone

from alma.business_days import BusinessCalendar
from alma.timekeeping import company_calendar
from credentialing.models import InsuranceForm
from onboarding.models import GeneralOnboarding, Provider, ReviewedForm, ReviewStatus

BUSINESS_DAY = timedelta(days=1)  # one business day is 24 business hours (alma.business_days)
QUEUE_PAGE_SIZE = 50
WAITING_FORMS: tuple[tuple[ReviewedForm, type[GeneralOnboarding] | type[InsuranceForm]], ...] = (
    (ReviewedForm.GENERAL_ONBOARDING, GeneralOnboarding),
    (ReviewedForm.INSURANCE_FORM, InsuranceForm),
)


@dataclass(frozen=True)
class QueuedSubmission:
    """One submitted form waiting for a staff decision, with its review clock.

    Plain values read in the queue's one query (not the form rows): who, which form and round,
    and since when. The CAQH secret and the bio are never read for the queue.
    """

    provider_id: int
    provider_name: str
    provider_email: str
    form: ReviewedForm
    record_id: int  # the GeneralOnboarding or InsuranceForm row, for its admin page
    round: int
    submitted_at: datetime
    waiting: timedelta  # business time only (company calendar)
    review_due_at: datetime

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


@dataclass(frozen=True)
class ReviewQueuePage:
    """One page of the queue, oldest submission first, with the whole queue's counts."""

    items: list[QueuedSubmission]
    total: int
    overdue_count: int
    number: int  # 1-based, clamped to the last page
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_position(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_position(self) -> int:
        return (self.number - 1) * self.per_page + len(self.items)


def review_overdue_cutoff(now: datetime, calendar: BusinessCalendar | None = None) -> datetime:
    """The instant before which a submission has waited more than one business day at `now`.

    Waiting only grows as the submission is older (business time is monotonic), so "overdue"
    is `submitted_at < cutoff`, a comparison PostgreSQL can count on an index instead of the
    calendar running per row. The cutoff is the earliest moment exactly one business day
    before `now`: walking back from `now`, non-business days add nothing, so when a business
    day's midnight is reached with nothing left to count, the cutoff is the end of the business
    day before it (a Saturday submission has waited exactly as long as Friday midnight's).
    """
    calendar = calendar or company_calendar()
    zone = calendar.time_zone
    wall = now.astimezone(zone).replace(tzinfo=None)  # a business day is 24 wall-clock hours
    day = wall.date()
    remaining = BUSINESS_DAY
    if calendar.is_business_day(day):
        remaining -= wall - datetime.combine(day, time.min)  # under 24 h: today never covers it
    while True:
        day -= timedelta(days=1)
        if not calendar.is_business_day(day):
            continue
        end_of_day = datetime.combine(day + timedelta(days=1), time.min)
        if remaining < BUSINESS_DAY:
            # The same wall-clock to aware resolution as add_business_days (DST gaps included).
            return (end_of_day - remaining).replace(tzinfo=zone).astimezone(zone)
        remaining -= BUSINESS_DAY  # this whole day is the rest: the end of an earlier one is it


def _waiting(model: type[GeneralOnboarding] | type[InsuranceForm], form: ReviewedForm) -> QuerySet:
    """One form model's submissions as the queue's columns (the same for both, for UNION ALL).

    Only columns of the partial "waiting" index (submitted_at, id, including provider_id and
    review_round): PostgreSQL reads them from the index alone, never the wide form rows.
    """
    return (
        model.objects.filter(status=ReviewStatus.SUBMITTED)
        .annotate(
            queued_form=Value(form.value, output_field=CharField()),
            queued_id=F("pk"),
            queued_provider=F("provider_id"),
            queued_round=F("review_round"),
            queued_at=F("submitted_at"),
        )
        .values_list("queued_form", "queued_id", "queued_provider", "queued_round", "queued_at")
        .order_by()
    )


def _queued(rows: list[tuple], now: datetime, calendar: BusinessCalendar) -> list[QueuedSubmission]:
    """The page's rows with their providers' names and emails (one query for the page only)."""
    if not rows:
        return []
    names = {
        pk: (name, email)
        for pk, name, email in Provider.objects.filter(pk__in={row[2] for row in rows}).values_list(
            "pk", "legal_name", "user__email"
        )
    }
    queued = []
    for form, record_id, provider_id, review_round, handed_in_at in rows:
        # A submitted form always has submitted_at; fall back to now rather than crash the page.
        submitted_at = handed_in_at or now
        name, email = names[provider_id]
        queued.append(
            QueuedSubmission(
                provider_id=provider_id,
                provider_name=name,
                provider_email=email,
                form=ReviewedForm(form),
                record_id=record_id,
                round=review_round,
                submitted_at=submitted_at,
                waiting=calendar.business_time_between(submitted_at, now),
                review_due_at=calendar.add_business_days(submitted_at, 1),
            )
        )
    return queued


def _oldest_first(submitted_before: datetime | None = None) -> QuerySet:
    """Both forms' submissions in one UNION ALL, oldest first (form, then row, break ties)."""
    (first_form, first_model), (second_form, second_model) = WAITING_FORMS
    first, second = _waiting(first_model, first_form), _waiting(second_model, second_form)
    if submitted_before is not None:
        first = first.filter(submitted_at__lt=submitted_before)
        second = second.filter(submitted_at__lt=submitted_before)
    return first.union(second, all=True).order_by("queued_at", "queued_form", "queued_id")


def review_queue_page(
    *, page: int = 1, per_page: int = QUEUE_PAGE_SIZE, now: datetime | None = None
) -> ReviewQueuePage:
    """One page of every submitted form waiting for review, oldest submission first.

    Four queries whatever the length of the queue: the total and the overdue count per form
    model (PostgreSQL counts them on the partial "waiting" indexes), the page itself in one
    UNION ALL with LIMIT/OFFSET read from those indexes alone, then the page's providers. A
    page past the end shows the last page.
    """
    now = now or timezone.now()
    calendar = company_calendar()
    cutoff = review_overdue_cutoff(now, calendar)
    total = overdue = 0
    for _form, model in WAITING_FORMS:
        counts = model.objects.filter(status=ReviewStatus.SUBMITTED).aggregate(
            total=Count("pk"), overdue=Count("pk", filter=Q(submitted_at__lt=cutoff))
        )
        total += counts["total"]
        overdue += counts["overdue"]
    last_page = max(1, math.ceil(total / per_page))
    number = min(max(1, page), last_page)
    offset = (number - 1) * per_page
    rows = list(_oldest_first()[offset : offset + per_page]) if total else []
    return ReviewQueuePage(
        items=_queued(rows, now, calendar),
        total=total,
        overdue_count=overdue,
        number=number,
        per_page=per_page,
    )


def reviews_submitted_between(
    start: datetime | None, end: datetime, *, limit: int, now: datetime | None = None
) -> list[QueuedSubmission]:
    """The oldest `limit` submissions waiting with `start <= submitted_at < end` (no lower bound
    when `start` is None): for the SLA board, which shows only the most overdue few. Two queries,
    read from the partial "waiting" indexes."""
    now = now or timezone.now()
    (first_form, first_model), (second_form, second_model) = WAITING_FORMS
    window = Q(submitted_at__lt=end) & (Q(submitted_at__gte=start) if start is not None else Q())
    first = _waiting(first_model, first_form).filter(window)
    second = _waiting(second_model, second_form).filter(window)
    rows = list(first.union(second, all=True).order_by("queued_at", "queued_form", "queued_id")[:limit])
    return _queued(rows, now, company_calendar())


def reviews_submitted_count(start: datetime | None, end: datetime) -> int:
    """How many submissions wait with `start <= submitted_at < end`: one COUNT per form."""
    window = Q(submitted_at__lt=end) & (Q(submitted_at__gte=start) if start is not None else Q())
    return sum(
        model.objects.filter(window, status=ReviewStatus.SUBMITTED).count() for _form, model in WAITING_FORMS
    )


def reviews_due_before(horizon: datetime, *, now: datetime | None = None) -> list[QueuedSubmission]:
    """Submissions whose review falls due before `horizon` (overdue ones included), oldest first.

    For the SLA board: two queries, and only about the rows the board shows, never the whole
    queue. A review falls due one business day (24 wall-clock hours at least, 23 in real time
    across a DST change) after its submission, so nothing submitted 23 hours before `horizon`
    or later can be due by then; the exact due date is checked here on what SQL returned.
    """
    now = now or timezone.now()
    calendar = company_calendar()
    rows = list(_oldest_first(submitted_before=horizon - timedelta(hours=23)))
    return [item for item in _queued(rows, now, calendar) if item.review_due_at < horizon]
