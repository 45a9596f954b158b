"""The email outbox: one row per (provider, kind, key), delivered at least once, never lost;
refusals and give-ups visible at once; a second copy only through the documented window."""

import collections
import datetime as dt
import logging
import time
from unittest import mock

import psycopg
import pytest
from anymail.backends.test import EmailBackend as AnymailTestBackend
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from onboarding import emails as onboarding_emails
from onboarding import services, tasks
from onboarding.checks import outbox_timeouts_below_the_lease
from onboarding.management.commands.onboarding_sweep import Command as OnboardingSweep
from onboarding.models import OutboxEmail
from onboarding.services import outbox as services_outbox
from tests.factories import ProviderFactory
from tests.helpers import run_at_once
from tests.smtp_sink import free_port


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
    settings.EMAIL_BACKEND = "tests.onboarding.test_outbox.SlowBackend"
    rows = unsent_rows(6)
    mail.outbox = []

    run_at_once(lambda: services.outbox_sweep(batch_size=2), lambda: services.outbox_sweep(batch_size=2))

    sent_ids = sorted(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert sent_ids == sorted(r.message_id for r in rows)
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_sweep_racing_the_on_commit_task_sends_once(settings):
    settings.EMAIL_BACKEND = "tests.onboarding.test_outbox.SlowBackend"
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
    assert "will not be sent: Refused by the mail server: AnymailRecipientsRefused" in caplog.text


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
def test_sweep_queries_are_the_same_for_3_and_12_emails(django_assert_num_queries, mailoutbox, monkeypatch):
    # A fixed 4: the claim (one statement that locks, leases and returns the rows with their
    # providers), "mark sent" for the batch (one statement), the final empty claim, the overdue
    # report; nothing per email, provider, template or step. (It was 9 + 1 per email when the
    # claim took BEGIN, SELECT ... FOR UPDATE, UPDATE, COMMIT and a SELECT, then 3 + 1 per email
    # while each email was marked sent on its own.) A loaded machine must not split the batch's
    # record in two: the time bound on it is tested in test_outbox_batches.py.
    monkeypatch.setattr(services_outbox, "RECORD_SENT_WITHIN", 60)
    unsent_rows(3)
    with django_assert_num_queries(4):
        assert services.outbox_sweep(batch_size=50).sent == 3
    unsent_rows(12)
    with django_assert_num_queries(4):
        assert services.outbox_sweep(batch_size=50).sent == 12


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_loses_nothing(celery_broker, caplog):
    # Redis is down (nothing listens on the port): publishing fails, the transition commits.
    with celery_broker("redis://127.0.0.1:1/0"):
        provider = ProviderFactory()
    row = OutboxEmail.objects.get(provider=provider, step=onboarding_emails.GENERAL_ONBOARDING)
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


# --- Through Django's SMTP backend to a real SMTP server (tests/smtp_sink.py) -------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "code", "reply"),
    [("rcpt", 550, "5.1.1 No such user"), ("data", 554, "5.7.1 Message rejected as spam")],
)
def test_a_5xx_reply_fails_the_email_at_once_as_refused(sink, admin_client, stage, code, reply):
    [row] = unsent_rows(1)
    sink.refuse(row.to_email, code=code, text=reply, stage=stage)

    result = services.outbox_sweep()

    assert (result.failed, result.retrying) == (1, 0)
    row.refresh_from_db()
    assert row.failed_at is not None
    assert row.attempts == 1  # never retried
    assert row.last_error == f"Refused by the mail server: {code} {reply}"
    assert sink.delivered == []
    page = admin_client.get(reverse("admin:onboarding_outboxemail_changelist") + "?delivery=refused")
    assert list(page.context["cl"].result_list) == [row]
    assert "FAILED (refused)" in page.text
    assert services.outbox_sweep().sent == 0  # stays failed


@pytest.mark.django_db
def test_a_4xx_reply_is_retried_after_30_seconds_and_logged_as_attempt_1(sink, caplog):
    [row] = unsent_rows(1)
    sink.defer(row.to_email, times=1)

    with caplog.at_level(logging.WARNING, logger="onboarding.services.outbox"):
        assert services.outbox_sweep().retrying == 1
    row.refresh_from_db()
    assert row.failed_at is None
    assert "451 4.3.0 Try again later" in row.last_error
    assert f"Outbox email {row.pk} not sent (attempt 1 of 12), retrying in 30s" in caplog.text
    assert dt.timedelta(seconds=25) < row.next_attempt_at - timezone.now() <= dt.timedelta(seconds=30)

    assert services.outbox_sweep(now=row.next_attempt_at).sent == 1
    assert [d.message_id for d in sink.delivered] == [row.message_id]


@pytest.mark.django_db
def test_a_mail_server_that_is_down_is_an_outage_not_a_refusal(settings):
    [row] = unsent_rows(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens

    assert services.outbox_sweep().retrying == 1
    row.refresh_from_db()
    assert row.failed_at is None
    assert "ConnectionRefusedError" in row.last_error


@pytest.mark.django_db
def test_after_the_last_allowed_attempt_the_email_fails_as_given_up(sink, settings, admin_client):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    [row] = unsent_rows(1)
    sink.defer(row.to_email, times=5)

    later = timezone.now()
    for _ in range(3):
        services.outbox_sweep(now=later)
        row.refresh_from_db()
        later = (row.next_attempt_at or later) + dt.timedelta(seconds=1)

    assert row.failed_at is not None
    assert row.attempts == 3
    assert row.last_error.startswith("Gave up after 3 attempts: SMTPRecipientsRefused")
    assert services.outbox_sweep(now=later + dt.timedelta(hours=2)).sent == 0
    assert sink.delivered == []
    page = admin_client.get(reverse("admin:onboarding_outboxemail_changelist") + "?delivery=gave_up")
    assert list(page.context["cl"].result_list) == [row]
    assert "FAILED (gave up)" in page.text


@pytest.mark.django_db
def test_a_row_claimed_too_often_by_senders_that_died_is_given_up_unsent(mailoutbox, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    [row] = unsent_rows(1)
    # Three senders claimed it and were killed before they could report anything.
    OutboxEmail.objects.filter(pk=row.pk).update(attempts=3, claimed_until=timezone.now())

    assert services.outbox_sweep().failed == 1
    row.refresh_from_db()
    assert row.last_error.startswith("Gave up after 3 attempts")
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_hung_mail_server_times_out_and_the_sender_lets_go_of_the_row(sink, settings):
    # Without EMAIL_TIMEOUT the sender waited as long as the server stalled (45 s once, past the
    # lease) and the sweep sent the row again alongside it.
    settings.EMAIL_TIMEOUT = 1
    [row] = unsent_rows(1)
    sink.hang(row.to_email, seconds=4)

    assert services.outbox_sweep().retrying == 1
    row.refresh_from_db()
    assert row.claimed_until is None  # released, not held until the lease runs out
    assert "timed out" in row.last_error
    assert row.failed_at is None
    assert sink.delivered == []


def kill_django_connection() -> None:
    """pg_terminate_backend of the test's own Django connection, from a second connection."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**_libpq_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def _libpq_params() -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "dbname": db["NAME"]}


class ConnectionDroppingBackend(AnymailTestBackend):
    """Accepts each message, then the database connection drops before it can be marked sent."""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        kill_django_connection()
        return sent


@pytest.mark.django_db(transaction=True)
def test_a_dropped_database_connection_after_the_send_still_marks_it_sent(settings):
    # Before: marking the row sent failed on the dead connection, the sweep gave up the rest of
    # its batch, and every such email went out again (5 of 5).
    settings.EMAIL_BACKEND = "tests.onboarding.test_outbox.ConnectionDroppingBackend"
    rows = unsent_rows(5)
    mail.outbox = []

    result = services.outbox_sweep()

    assert (result.sent, result.errors) == (5, 0)
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(r.message_id for r in rows)
    assert OutboxEmail.objects.filter(sent_at__isnull=False, attempts=1).count() == 5
    later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    assert services.outbox_sweep(now=later).sent == 0  # nothing goes out twice


class DropOnceBackend(AnymailTestBackend):
    """Drops the database connection after accepting the message with this Message-ID."""

    message_id = ""

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if email_messages[0].extra_headers["Message-ID"] == self.message_id:
            kill_django_connection()
        return sent


@pytest.mark.django_db(transaction=True)
def test_a_database_that_stays_away_costs_the_batchs_unrecorded_rows_not_the_sweep(
    settings, monkeypatch, admin_client
):
    """If "mark sent" fails even after reconnecting, the rows it was recording (the batch's
    accepted emails, RECORD_SENT_WITHIN) are the documented window: each goes out again after
    its lease, with its own Message-ID, and staff see them among the possible duplicates. The
    next batch is sent as usual."""
    monkeypatch.setattr("onboarding.services.outbox.RECONNECT_PAUSES", ())  # no second chance
    monkeypatch.setattr(services_outbox, "RECORD_SENT_WITHIN", 60)  # one record per batch
    rows = sorted(unsent_rows(4), key=lambda r: (r.due_at, r.pk))
    first_batch = rows[:2]
    mail.outbox = []
    monkeypatch.setattr(DropOnceBackend, "message_id", rows[0].message_id)
    settings.EMAIL_BACKEND = "tests.onboarding.test_outbox.DropOnceBackend"
    result = services.outbox_sweep(batch_size=2)
    assert (result.sent, result.errors) == (2, 2)

    later = timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    assert services.outbox_sweep(now=later).sent == 2
    sent_ids = collections.Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert sent_ids == {r.message_id: 2 if r in first_batch else 1 for r in rows}
    page = admin_client.get(reverse("admin:onboarding_outboxemail_changelist") + "?delivery=retried")
    assert sorted(r.message_id for r in page.context["cl"].result_list) == sorted(
        r.message_id for r in first_batch
    )


class OneSecondBackend(AnymailTestBackend):
    def send_messages(self, email_messages):
        time.sleep(1.2)
        row = OutboxEmail.objects.get(message_id=email_messages[0].extra_headers["Message-ID"])
        # Still this sender's row as the send ends: nobody else may have taken it meanwhile.
        assert row.claimed_until > timezone.now(), "sent under a lease that had run out"
        return super().send_messages(email_messages)


@pytest.mark.django_db(transaction=True)
def test_a_sweep_never_sends_a_row_whose_lease_has_run_out(settings):
    # A 3 s lease with 2 s kept for a send (twice EMAIL_TIMEOUT): a batch of three 1.2 s sends
    # would run past the lease; the sweep hands the later rows back and claims them afresh.
    settings.OUTBOX_LEASE_SECONDS, settings.EMAIL_TIMEOUT = 3, 1
    settings.EMAIL_BACKEND = "tests.onboarding.test_outbox.OneSecondBackend"
    rows = unsent_rows(3)
    mail.outbox = []

    assert services.outbox_sweep(batch_size=3).sent == 3
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(r.message_id for r in rows)
    # Handing a row back is not an attempt: none of them is a possible duplicate.
    assert not services_outbox.outbox_possible_duplicates(OutboxEmail.objects.all()).exists()


@pytest.mark.django_db(transaction=True)
def test_a_sweep_out_of_time_leaves_the_rest_claimable_at_once(settings):
    settings.EMAIL_BACKEND = "tests.onboarding.test_outbox.OneSecondBackend"
    unsent_rows(3)
    assert services.outbox_sweep(time_budget=1).sent == 1
    assert OutboxEmail.objects.claimable(timezone.now()).filter(attempts=0).count() == 2


@pytest.mark.django_db
def test_a_soft_time_limit_mid_send_hands_the_batch_back(mailoutbox):
    rows = sorted(unsent_rows(3), key=lambda r: (r.due_at, r.pk))
    real_send = AnymailTestBackend.send_messages
    calls = []

    def time_is_up_on_the_second(self, messages):
        calls.append(1)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded
        return real_send(self, messages)

    with (
        mock.patch.object(AnymailTestBackend, "send_messages", time_is_up_on_the_second),
        pytest.raises(SoftTimeLimitExceeded),
    ):
        services.outbox_sweep()
    states = {r.pk: r for r in OutboxEmail.objects.all()}
    assert states[rows[0].pk].sent_at is not None
    assert states[rows[1].pk].claimed_until is None
    assert states[rows[1].pk].next_attempt_at is not None  # unknown outcome: retried later
    assert (states[rows[2].pk].claimed_until, states[rows[2].pk].attempts) == (None, 0)


@pytest.mark.django_db
def test_sent_after_a_retry_lists_the_possible_duplicates_only(admin_client):
    once, retried, unsent = unsent_rows(3)
    now = timezone.now()
    OutboxEmail.objects.filter(pk=once.pk).update(sent_at=now, attempts=1)
    OutboxEmail.objects.filter(pk=retried.pk).update(sent_at=now, attempts=2)
    OutboxEmail.objects.filter(pk=unsent.pk).update(attempts=4)
    page = admin_client.get(reverse("admin:onboarding_outboxemail_changelist") + "?delivery=retried")
    assert list(page.context["cl"].result_list) == [retried]


@pytest.mark.django_db
def test_a_staff_resend_is_recorded_by_its_resend_number(admin_client, mailoutbox):
    [row] = unsent_rows(1)
    services.outbox_sweep()
    admin_client.post(
        reverse("admin:onboarding_outboxemail_changelist"),
        {"action": "resend", "_selected_action": [row.pk]},
    )
    resent = OutboxEmail.objects.get(provider=row.provider, step=row.step, resend=1)
    assert resent.message_id != row.message_id  # a new email, not a retry of the old one
    entry = LogEntry.objects.get(object_id=str(row.pk))
    assert entry.get_change_message() == f"Resent as resend 1 (outbox email {resent.pk})."


def test_the_sweep_command_promises_at_least_once_not_exactly_once():
    help_text = OnboardingSweep().create_parser("manage.py", "onboarding_sweep").format_help()
    flat = " ".join(help_text.split())
    assert "at least once" in flat
    assert "same Message-ID" in flat
    assert "goes out once" not in flat


# --- The startup check: no send outlives its lease -------------------------------------------


def test_the_shipped_settings_pass_the_lease_check():
    assert outbox_timeouts_below_the_lease(None) == []


@pytest.mark.parametrize(
    ("changes", "error_id"),
    [
        ({"EMAIL_TIMEOUT": None}, "onboarding.E001"),
        ({"EMAIL_TIMEOUT": 160, "CELERY_TASK_SOFT_TIME_LIMIT": 330}, "onboarding.E001"),
        ({"CELERY_TASK_TIME_LIMIT": None}, "onboarding.E002"),
        ({"CELERY_TASK_TIME_LIMIT": 400}, "onboarding.E002"),
        ({"CELERY_TASK_SOFT_TIME_LIMIT": 130}, "onboarding.E003"),
        ({"CELERY_TASK_SOFT_TIME_LIMIT": 30}, "onboarding.E003"),
        ({"OUTBOX_LEASE_SECONDS": 200}, "onboarding.E002"),
    ],
)
def test_a_timeout_that_lets_a_send_outlive_its_lease_is_refused_at_startup(settings, changes, error_id):
    for name, value in changes.items():
        setattr(settings, name, value)
    errors = outbox_timeouts_below_the_lease(None)
    assert error_id in [error.id for error in errors]
    assert errors[0].hint
    with pytest.raises(SystemCheckError, match=error_id):
        call_command("check", "--tag", "outbox")
