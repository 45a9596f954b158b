"""The email outbox: exactly one email per (provider, step, round), never lost."""

import datetime as dt
import logging
import threading
import time
from unittest import mock

import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.core import mail
from django.db import connection
from django.utils import timezone

from onboarding import services, tasks
from onboarding.models import EmailStep, OutboxEmail
from tests.factories import ProviderFactory


def unsent_rows(count):
    """Providers whose General Onboarding email is written but not yet handed to a worker."""
    # As after a broker outage: the rows are committed but no task was published for them.
    with mock.patch("onboarding.services.outbox._publish"):
        providers = [ProviderFactory() for _ in range(count)]
    return list(OutboxEmail.objects.filter(provider__in=providers))


class SlowBackend(AnymailTestBackend):
    """Holds each send long enough that racing senders really overlap."""

    def send_messages(self, email_messages):
        time.sleep(0.2)
        return super().send_messages(email_messages)


def run_at_once(*targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def runner(target):
        try:
            barrier.wait()
            target()
        except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


@pytest.mark.django_db
def test_a_task_delivered_twice_sends_one_email(mailoutbox):
    [row] = unsent_rows(1)
    assert tasks.send_outbox_email.apply(args=[row.pk]).get() == "sent"
    assert tasks.send_outbox_email.apply(args=[row.pk]).get() == "skipped"
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.esp_message_id  # what the email provider answered is kept


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_send_each_email_once(settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.SlowBackend"
    rows = unsent_rows(6)
    mail.outbox = []

    run_at_once(lambda: services.outbox_sweep(batch_size=2), lambda: services.outbox_sweep(batch_size=2))

    sent_ids = sorted(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert sent_ids == sorted(r.message_id for r in rows)
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_sweep_racing_the_on_commit_task_sends_once(settings):
    settings.EMAIL_BACKEND = "tests.test_outbox.SlowBackend"
    [row] = unsent_rows(1)
    mail.outbox = []

    run_at_once(lambda: tasks.send_outbox_email.apply(args=[row.pk]), services.outbox_sweep)

    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [row.message_id]


@pytest.mark.django_db
def test_a_transient_failure_is_retried_and_then_succeeds(mailoutbox):
    [row] = unsent_rows(1)
    real_send = AnymailTestBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise AnymailAPIError("503 Service Unavailable")
        return real_send(self, messages)

    with mock.patch.object(AnymailTestBackend, "send_messages", flaky):
        tasks.send_outbox_email.apply(args=[row.pk])

    assert len(calls) == 2
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 2
    assert row.last_error == ""


@pytest.mark.django_db
def test_the_sweep_backs_off_after_a_failure_and_retries_later(mailoutbox):
    [row] = unsent_rows(1)
    with mock.patch.object(AnymailTestBackend, "send_messages", side_effect=AnymailAPIError("timeout")):
        result = services.outbox_sweep()
    assert result.retrying == 1
    row.refresh_from_db()
    assert row.sent_at is None
    assert "timeout" in row.last_error
    assert row.next_attempt_at > timezone.now()

    assert services.outbox_sweep().sent == 0  # still backing off
    assert services.outbox_sweep(now=row.next_attempt_at + dt.timedelta(seconds=1)).sent == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_refused_recipient_is_marked_failed_not_retried(mailoutbox, caplog):
    [row] = unsent_rows(1)
    with mock.patch.object(
        AnymailTestBackend, "send_messages", side_effect=AnymailRecipientsRefused("bounced")
    ):
        result = services.outbox_sweep()
    assert result.failed == 1
    row.refresh_from_db()
    assert row.failed_at is not None
    assert services.outbox_sweep().sent == 0
    assert "refused for good" in caplog.text


@pytest.mark.django_db
def test_a_crash_after_acceptance_resends_with_the_same_message_id(mailoutbox):
    [row] = unsent_rows(1)
    # The worker died after the email provider accepted the message but before marking it sent:
    # the row is claimed, with a lease, and not sent.
    OutboxEmail.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now() + dt.timedelta(minutes=5), attempts=1
    )
    mail.outbox.append(mail.EmailMessage(to=[row.to_email], headers={"Message-ID": row.message_id}))

    assert services.outbox_sweep().sent == 0  # the lease still holds
    later = timezone.now() + dt.timedelta(minutes=6)
    assert services.outbox_sweep(now=later).sent == 1  # the lease ran out

    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [row.message_id, row.message_id]


@pytest.mark.django_db
def test_past_due_emails_are_logged_at_error(caplog):
    [row] = unsent_rows(1)
    OutboxEmail.objects.filter(pk=row.pk).update(
        due_at=timezone.now() - dt.timedelta(hours=3),
        next_attempt_at=timezone.now() + dt.timedelta(hours=1),
    )
    with caplog.at_level(logging.ERROR, logger="onboarding.services.outbox"):
        result = services.outbox_sweep()
    assert result.overdue == 1
    assert f"Outbox email {row.pk}" in caplog.text
    assert "past due" in caplog.text


@pytest.mark.django_db
def test_sweep_queries_grow_by_a_constant_per_email(django_assert_num_queries, mailoutbox):
    # A fixed 9 (claim, fetch with providers, final empty claim, overdue report) plus one
    # UPDATE per email sent: nothing per provider, template or step.
    unsent_rows(3)
    with django_assert_num_queries(9 + 3):
        assert services.outbox_sweep(batch_size=50).sent == 3
    unsent_rows(12)
    with django_assert_num_queries(9 + 12):
        assert services.outbox_sweep(batch_size=50).sent == 12


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_nothing(celery_broker, caplog):
    # Redis is down (nothing listens on the port): publishing fails, the transition commits.
    with celery_broker("redis://127.0.0.1:1/0"):
        provider = ProviderFactory()
    row = OutboxEmail.objects.get(provider=provider, step=EmailStep.GENERAL_ONBOARDING)
    assert row.sent_at is None
    assert "waits for the next sweep" in caplog.text
    assert "Connection refused" in caplog.text  # really the broker being down

    mail.outbox = []
    assert services.outbox_sweep().sent == 1
    assert [m.to for m in mail.outbox] == [[provider.user.email]]


@pytest.mark.django_db
def test_a_long_outage_is_left_to_the_sweep_not_to_broker_countdowns(mailoutbox):
    [row] = unsent_rows(1)
    with mock.patch.object(AnymailTestBackend, "send_messages", side_effect=AnymailAPIError("down")) as send:
        result = tasks.send_outbox_email.apply(args=[row.pk])
    assert send.call_count == tasks.QUICK_RETRIES + 1
    assert result.get() == "left for the sweep"
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.attempts == tasks.QUICK_RETRIES + 1
    # The email provider is back: the sweep delivers once the database backoff has passed.
    assert services.outbox_sweep(now=row.next_attempt_at).sent == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_long_sweep_hands_out_leases_from_the_real_clock(mailoutbox):
    """A sweep that began long ago (a backlog, a slow email provider) must not claim rows with
    a lease that has already run out, or another sender would send them too."""
    [row] = unsent_rows(1)
    started_long_ago = timezone.now() - dt.timedelta(seconds=400)
    real_send = AnymailTestBackend.send_messages

    def meanwhile_the_on_commit_task_runs(self, messages):
        assert services.outbox_deliver(email_id=row.pk) == "skipped"
        return real_send(self, messages)

    with mock.patch.object(AnymailTestBackend, "send_messages", meanwhile_the_on_commit_task_runs):
        assert services.outbox_sweep(now=started_long_ago).sent == 1
    assert [m.extra_headers["Message-ID"] for m in mailoutbox] == [row.message_id]


@pytest.mark.django_db
def test_subjects_and_plain_text_are_not_html_escaped(mailoutbox, make_provider):
    from helpdesk.services import ticket_open  # noqa: PLC0415

    provider = make_provider()
    with mock.patch("onboarding.services.outbox._publish"):
        ticket_open(provider=provider, category="other", subject="Can't open the R&D form", message="Help")
    services.outbox_sweep()
    [message] = [m for m in mailoutbox if "help request" in m.subject]
    assert "Can't open the R&D form" in message.subject
    assert "&amp;" not in message.body
    assert "&#x27;" not in message.body
