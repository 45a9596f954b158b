"""What has happened (the timeline, newest first) and what comes next (the upcoming dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from django.utils import dateformat, timezone

from alma.timekeeping import one_business_day_after
from credentialing.decision_clock import DatedStatus
from credentialing.models import ApplicationStatus
from directory.golive import day_label
from onboarding import email_kinds
from onboarding.models import FormReview, OnboardingStep, Provider, ReviewStatus
from portal.dashboard.action_items import Facts, related

TIMELINE_LIMIT = 20


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    detail: str = ""

    # Formatted here, once, rather than by the template's date filter (two per row, each looking
    # up the active language's formats): the timeline was the costliest part of the page to render.
    @cached_property
    def at_iso(self) -> str:
        """The moment in company time, for the <time> element (the date filter's "c")."""
        return timezone.localtime(self.at).isoformat()

    @cached_property
    def day(self) -> str:
        return day_label(timezone.localdate(self.at))


@dataclass(frozen=True)
class Upcoming:
    due: datetime | date
    title: str
    detail: str = ""
    overdue: bool = False

    @property
    def due_label(self) -> str:
        if isinstance(self.due, datetime):
            return dateformat.format(timezone.localtime(self.due), "M j, Y, g:i A")
        return day_label(self.due)

    @property
    def sort_key(self) -> datetime:
        if isinstance(self.due, datetime):
            return self.due
        return timezone.make_aware(datetime.combine(self.due, datetime.min.time()))


STEP_EVENTS = {
    OnboardingStep.ACCOUNT_CREATED: "Membership agreement recorded: your Alma account was created",
    OnboardingStep.GENERAL_ONBOARDING_SUBMITTED: "You submitted the General Onboarding form",
    OnboardingStep.INSURANCE_FORM_SUBMITTED: "You submitted the Insurance Form",
    OnboardingStep.FORMS_APPROVED: "Both of your forms were approved",
    OnboardingStep.PORTAL_ACCESS_GRANTED: "You set your password and joined the portal",
    OnboardingStep.ONBOARDING_COMPLETE: "Onboarding complete",
}


def timeline(provider: Provider, step_events, sent_emails, reviews, decisions) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(event.occurred_at, STEP_EVENTS.get(event.to_step, event.get_to_step_display()))
        for event in step_events
    ]
    entries += [
        TimelineEntry(email.sent_at, f"We emailed you: {email_kinds.timeline(email.step)}")
        for email in sent_emails
    ]
    for review in reviews:
        form = review.get_form_display()
        if review.decision == FormReview.Decision.APPROVED:
            entries.append(TimelineEntry(review.decided_at, f"Our team approved your {form}"))
        else:
            entries.append(
                TimelineEntry(review.decided_at, f"Our team asked for changes to your {form}", review.reason)
            )
    for event in decisions:
        application = event.application
        payer = application.payer.name
        if event.to_status == ApplicationStatus.APPROVED:
            effective = application.effective_date
            detail = f"Effective {day_label(effective)}" if effective else ""
            entries.append(TimelineEntry(event.occurred_at, f"{payer} approved you", detail))
        else:
            entries.append(TimelineEntry(event.occurred_at, f"{payer} declined your application", event.note))
    progress = related(provider, "training_progress")
    for attribute, title in (
        ("webinar_completed_at", "You watched the Insurance Program Training Webinar"),
        ("quiz_passed_at", "You passed the Insurance Program quiz"),
    ):
        moment = getattr(progress, attribute) if progress is not None else None
        if moment:
            entries.append(TimelineEntry(moment, title))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:TIMELINE_LIMIT]


def upcoming(
    provider: Provider, facts: Facts, next_email, applications, statuses: dict[int, DatedStatus]
) -> list[Upcoming]:
    now = facts.now
    dates = []
    if next_email is not None:
        dates.append(
            Upcoming(
                next_email.due_at,
                f"We email you: {email_kinds.timeline(next_email.step)}",
                overdue=next_email.due_at < now,
            )
        )
    for name, record in (
        ("General Onboarding form", related(provider, "general_onboarding")),
        ("Insurance Form", related(provider, "insurance_form")),
    ):
        if record is not None and record.status == ReviewStatus.SUBMITTED and record.submitted_at:
            due = one_business_day_after(record.submitted_at)
            dates.append(Upcoming(due, f"Our team reviews your {name}", overdue=due < now))
    for application in applications:
        # The latest day of the expected range (credentialing.turnaround): "By" that day.
        expected = statuses[application.pk].decision
        if application.status == ApplicationStatus.SUBMITTED and expected is not None:
            dates.append(
                Upcoming(
                    expected.latest,
                    f"{application.payer.name} decides on your application",
                    overdue=expected.is_past(now),
                )
            )
    start = facts.effective_start_date
    if start is not None and start > facts.today:
        dates.append(Upcoming(start, "Your effective start date: insurance clients from this day"))
    go_live_on = facts.go_live.go_live_on
    if go_live_on and go_live_on > facts.today:
        dates.append(Upcoming(go_live_on, "Your directory profile goes live"))
    dates.sort(key=lambda entry: entry.sort_key)
    return dates
