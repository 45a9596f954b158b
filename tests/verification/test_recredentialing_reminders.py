"""The daily recredentialing sweep: one email per threshold per recipient, however often it runs."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from tests.decision_factories import decide
from tests.factories import ProviderFactory
from verification import emails
from verification.services.recredentialing import recredentialing_reminders_queue
from verification.tasks import queue_recredentialing_reminders

pytestmark = pytest.mark.django_db

APPROVED_ON = dt.date(2026, 7, 1)
DUE = dt.date(2029, 7, 1)
KINDS = [emails.RECREDENTIALING_REMINDER, emails.RECREDENTIALING_REMINDER_STAFF]


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def reminders(provider=None):
    rows = OutboxEmail.objects.filter(step__in=KINDS)
    if provider is not None:
        rows = rows.filter(provider=provider)
    return sorted((row.step, row.key, row.to_email) for row in rows)


@pytest.fixture
def approved():
    with time_machine.travel(at(APPROVED_ON), tick=False):
        provider = ProviderFactory(legal_name="Ada Brennan")
        decide(provider, decided_on=APPROVED_ON)
    return provider


def run_on(day: dt.date, times: int = 1) -> None:
    with time_machine.travel(at(day), tick=False):
        for hour in range(times):
            recredentialing_reminders_queue(now=at(day, 8 + hour))


def test_each_threshold_is_queued_once_per_recipient_however_often_the_job_runs(approved):
    run_on(DUE - dt.timedelta(days=121), times=3)
    assert reminders() == []  # too early

    for days in (120, 90, 30):
        run_on(DUE - dt.timedelta(days=days), times=3)
        run_on(DUE - dt.timedelta(days=days - 1))  # the day after: same window, nothing new

    provider_email = approved.email
    team = settings.CREDENTIALING_TEAM_EMAIL
    assert reminders() == sorted(
        (kind, f"2029-07-01:{days}", to)
        for days in (120, 90, 30)
        for kind, to in (
            (emails.RECREDENTIALING_REMINDER, provider_email),
            (emails.RECREDENTIALING_REMINDER_STAFF, team),
        )
    )


def test_a_missed_day_sends_the_reminder_of_the_window_it_is_in_now_never_the_skipped_ones(approved):
    # The sweep did not run from day 121 before to day 85 before: only the 90-day reminder goes.
    run_on(DUE - dt.timedelta(days=85))
    assert [key for _, key, _ in reminders()] == ["2029-07-01:90", "2029-07-01:90"]
    run_on(DUE + dt.timedelta(days=1))  # past due: no reminder (the SLA board flags it)
    assert len(reminders()) == 2


def test_the_reminders_say_when_and_what_to_do_to_the_provider_and_to_staff(approved):
    with time_machine.travel(at(DUE - dt.timedelta(days=120)), tick=False):
        queue_recredentialing_reminders.apply()
        outbox_sweep()
    [to_provider] = [m for m in mail.outbox if m.to == [approved.email] and "recredentialing" in m.subject]
    assert (
        to_provider.subject == "Your Alma recredentialing is due by July 1, 2029: please confirm your details"
    )
    body = " ".join(to_provider.body.split())
    assert "120 days from now" in body
    assert "by July 31, 2029, you would have to go through credentialing from the start again" in body
    assert f"{settings.SITE_URL}/portal/credentialing-file/confirm/" in body
    [to_staff] = [m for m in mail.outbox if m.to == [settings.CREDENTIALING_TEAM_EMAIL]]
    assert to_staff.subject == "Recredentialing of Ada Brennan due by July 1, 2029 (120 days)"
    assert f"/admin/onboarding/provider/{approved.pk}/change/" in to_staff.body


def test_a_new_approval_starts_a_new_clock_and_a_denial_stops_it():
    with time_machine.travel(at(APPROVED_ON), tick=False):
        recredentialed = ProviderFactory()
        denied = ProviderFactory()
        for provider in (recredentialed, denied):
            decide(provider, decided_on=dt.date(2023, 7, 1))  # due 1 July 2026
    with time_machine.travel(at(dt.date(2026, 3, 10)), tick=False):
        decide(recredentialed, decided_on=dt.date(2026, 3, 10))  # now due 10 March 2029
        decide(denied, decided_on=dt.date(2026, 3, 10), outcome="denied", reason="Licence revoked.")

    run_on(dt.date(2026, 4, 1))  # 91 days before 1 July 2026: the old clock's 120-day window

    assert reminders() == []


def test_the_sweep_is_two_queries_whatever_the_number_of_providers(django_assert_num_queries):
    with time_machine.travel(at(APPROVED_ON), tick=False):
        providers = [ProviderFactory() for _ in range(12)]
        for provider in providers:
            decide(provider, decided_on=APPROVED_ON)
    # The due approvals; one INSERT ... ON CONFLICT DO NOTHING (savepoint in and out).
    with time_machine.travel(at(DUE - dt.timedelta(days=90)), tick=False), django_assert_num_queries(4):
        assert recredentialing_reminders_queue() == 12
    assert len(reminders()) == 24
