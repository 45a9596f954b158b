"""The dashboard's go-live forecast: while the directory rule cannot date the profile, a likely
range from the same expected decision ranges as each payer's status, with what it waits for."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from credentialing.decision_clock import Basis, DatedStatus, DecisionRange, NextActor
from credentialing.models import ApplicationStatus
from directory.golive import go_live_decision
from portal.dashboard.forecast import go_live_forecast
from tests.credentialing_factories import PayerFactory, make_application
from tests.helpers import element, text_of

S = ApplicationStatus
TODAY = dt.date(2027, 1, 4)


def submitted(payer: str, earliest: dt.date, latest: dt.date, *, late: bool = False) -> DatedStatus:
    decision = DecisionRange(
        earliest, latest, Basis.PAYER, dt.datetime.combine(latest, dt.time(23), tzinfo=dt.UTC)
    )
    return DatedStatus(
        S.SUBMITTED,
        payer,
        reason="",
        next_actor=NextActor.PAYER,
        next_step="",
        decision=decision,
        follow_up="Past the expected date" if late else "",
    )


def blocked(contracted: dt.date, *, trained: bool = False):
    return go_live_decision(
        effective_start_date=None,
        contracted_start_date=contracted,
        training_completed_on=TODAY if trained else None,
    )


def test_the_soonest_expected_decision_dates_the_go_live_and_names_the_payer():
    forecast = go_live_forecast(
        decision=blocked(TODAY - dt.timedelta(days=30), trained=True),
        payers=[
            submitted("Cigna", dt.date(2027, 2, 1), dt.date(2027, 3, 1)),
            submitted("Aetna", dt.date(2027, 1, 12), dt.date(2027, 2, 2)),
        ],
        contracted_start=TODAY - dt.timedelta(days=30),
        webinar_done=True,
        quiz_done=True,
        today=TODAY,
    )
    assert forecast is not None
    assert forecast.sentence == "Likely live between Jan 12 and Feb 2, 2027: waiting for Aetna's decision."


def test_a_later_contracted_start_and_the_training_are_named():
    forecast = go_live_forecast(
        decision=blocked(dt.date(2027, 3, 1)),
        payers=[submitted("Aetna", dt.date(2027, 1, 12), dt.date(2027, 2, 2))],
        contracted_start=dt.date(2027, 3, 1),
        webinar_done=True,
        quiz_done=False,
        today=TODAY,
    )
    assert forecast is not None
    assert forecast.sentence == (
        "Likely live on Mar 1, 2027: waiting for Aetna's decision, after you finish the training quiz "
        "and on your contracted start date Mar 1, 2027."
    )


def test_no_dates_while_the_application_is_not_submitted_or_is_late():
    requested = DatedStatus(S.REQUESTED, "Aetna", reason="", next_actor=NextActor.ALMA, next_step="")
    common = {
        "decision": blocked(TODAY, trained=True),
        "contracted_start": TODAY,
        "webinar_done": True,
        "quiz_done": True,
        "today": TODAY,
    }
    forecast = go_live_forecast(payers=[requested], **common)
    assert forecast is not None
    assert forecast.sentence == "Not dated yet: waiting for Alma to submit your application to Aetna."
    late = go_live_forecast(
        payers=[submitted("Aetna", TODAY - dt.timedelta(days=9), TODAY - dt.timedelta(days=2), late=True)],
        **common,
    )
    assert late is not None
    assert late.label == "Not dated yet"
    assert "later than expected: Alma is following up" in late.sentence


def test_a_dated_go_live_needs_no_forecast():
    dated = go_live_decision(
        effective_start_date=TODAY, contracted_start_date=TODAY, training_completed_on=TODAY
    )
    assert (
        go_live_forecast(
            decision=dated, payers=[], contracted_start=TODAY, webinar_done=True, quiz_done=True, today=TODAY
        )
        is None
    )


@pytest.mark.django_db
def test_the_dashboard_shows_the_forecast_with_the_45_day_promise(signed_in, provider):
    # Before: "Not set yet" and the rule's reason, with no date at all.
    submitted_at = timezone.now() - dt.timedelta(days=3)
    make_application(
        provider=provider,
        payer=PayerFactory(name="Cigna", slug="cigna"),
        status=S.SUBMITTED,
        submitted_at=submitted_at,
    )
    promise = timezone.localdate(submitted_at + dt.timedelta(days=45))
    html = signed_in.get(reverse("portal:dashboard")).text
    forecast = text_of(element(html, "#go-live-forecast"))
    expected_day = max(promise, provider.contracted_start_date)
    assert forecast.startswith(f"Likely live on {expected_day:%b} {expected_day.day}, {expected_day.year}")
    assert "waiting for Cigna's decision" in forecast
    assert "after you finish the training webinar and quiz" in forecast
    assert "Not set yet" in text_of(element(html, "#go-live"))
