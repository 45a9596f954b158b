"""The onboarding report: where providers are, how long each step takes, what is overdue."""

import statistics
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Window
from django.db.models.functions import Lag

from alma.business_days import DAY
from alma.timekeeping import company_calendar
from onboarding.models import OnboardingEvent, OnboardingStep, Provider
from portal.sla import Promise, sla_board


@dataclass(frozen=True)
class StepLine:
    step: str
    label: str
    providers_here: int
    # Business days from the previous step to this one, median over every provider who made
    # the move; None when nobody has yet.
    median_business_days: float | None
    moves: int


@dataclass(frozen=True)
class OnboardingReport:
    as_of: datetime
    steps: list[StepLine]
    overdue: list[Promise]


def onboarding_report(*, now: datetime) -> OnboardingReport:
    counts = dict(
        Provider.objects.values_list("onboarding_step")
        .annotate(n=Count("pk"))
        .values_list("onboarding_step", "n")
    )
    # Each transition with the time of the provider's previous one: one query, a window function.
    moves = (
        OnboardingEvent.objects.filter(occurred_at__lte=now)
        .annotate(
            previous_at=Window(
                Lag("occurred_at"), partition_by=F("provider_id"), order_by=F("occurred_at").asc()
            )
        )
        .values_list("to_step", "previous_at", "occurred_at")
    )
    calendar = company_calendar()
    durations: dict[str, list[float]] = {}
    for to_step, previous_at, occurred_at in moves:
        if previous_at is not None:
            durations.setdefault(to_step, []).append(
                calendar.business_time_between(previous_at, occurred_at) / DAY
            )
    steps = [
        StepLine(
            step=step.value,
            label=step.label,
            providers_here=counts.get(step.value, 0),
            median_business_days=round(statistics.median(durations[step.value]), 2)
            if step.value in durations
            else None,
            moves=len(durations.get(step.value, [])),
        )
        for step in OnboardingStep
    ]
    return OnboardingReport(as_of=now, steps=steps, overdue=sla_board(now).overdue)
