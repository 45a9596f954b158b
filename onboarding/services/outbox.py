"""The email outbox: rows written with their transition, delivered at least once.

What is promised, in the words the tests prove (tests/onboarding/test_outbox.py and
tests/system/test_email_faults.py):

- Nothing is lost. The row is committed with the transition that earned it; Redis only carries
  "send row N now", and the periodic sweep sends whatever no task did (a broker outage, a
  worker killed mid-send, a dropped database connection).
- At least once, with a narrow window for a second copy. Delivery claims a row with a lease
  (select_for_update(skip_locked=True) + claimed_until), sends, and marks it sent only after
  the mail server accepted it. Racing senders (a duplicate task, a retry, two sweeps) find the
  row claimed or sent and do nothing. A second copy goes out only when the server accepted the
  message but the sender could not record that: the process died in between (SIGKILL, the
  task's hard time limit), the server's reply was lost (a hang or a drop after the message
  was transferred), or the database stayed unreachable through every retry of "mark sent".
  EMAIL_TIMEOUT and the task time limits sit well below the lease (onboarding/checks.py), so
  a slow send never outlives its lease and races another sender.
- Every resend of a row carries the row's own Message-ID, so a receiving system can drop the
  second copy. Staff can list the rows sent after more than one attempt, which are the only
  possible duplicates (`outbox_possible_duplicates`, admin "Sent after a retry"). A staff
  resend (`outbox_resend`) is a different email: a new row with a new Message-ID.
- One email per (provider, kind, key). The kinds are declared by the apps that send them
  (onboarding.email_kinds); the key is chosen by the service that queues the email
  (OutboxEmail.key says the scheme). `outbox_enqueue` and `outbox_enqueue_many` are the only
  writers of outbox rows; a staff resend goes through `outbox_enqueue` too.
- Refusals are visible at once. A 5xx reply (or anymail's permanent errors) fails the row on
  the spot as refused; 4xx replies and connection errors are retried with a backoff in the
  database, and after OUTBOX_MAX_ATTEMPTS attempts the row fails as given up. Both show on the
  SLA board and in admin at once.
"""

import functools
import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from alma.celery import app as celery_app
from alma.timekeeping import one_business_day_after
from onboarding import email_kinds
from onboarding.models import OutboxEmail, Provider

logger = logging.getLogger(__name__)
T = TypeVar("T")

# anymail's refusals that a retry cannot fix; SMTP replies are classified by code (_refusal).
PERMANENT_ERRORS = (AnymailRecipientsRefused, AnymailInvalidAddress)
# 5xx replies that refuse us, not the email (a wrong password, a HELO the server dislikes):
# fixing the configuration fixes every row, so these retry like an outage, up to the cap.
CONFIGURATION_ERRORS = (smtplib.SMTPAuthenticationError, smtplib.SMTPHeloError)
# How a failed row's last_error begins: the admin filters and the SLA board read the cause
# from it (failed_at says that it failed, this says why).
REFUSED = "Refused by the mail server: "
GAVE_UP = "Gave up after "  # "... 12 attempts: <the last error>"
# "Mark sent" and the other row updates after a send retry on a fresh connection after these
# pauses (seconds): a dropped connection must not turn an accepted email into a resend.
RECONNECT_PAUSES = (0.2, 1.0, 3.0)

# Rows per INSERT in outbox_enqueue_many: a bounded statement, reached only over a backlog.
INSERT_BATCH = 5000
# Other claimable rows a per-row send claims with its own (outbox_deliver): a burst of per-row
# tasks is sent in batches, like the sweep, and the later tasks find their rows taken. Small,
# so one transition's task stays short. The setting OUTBOX_SEND_COMPANY_ROWS (this default) sets it;
# the test settings set 0, so a test that counts one transition's email sees only that one.
COMPANY_ROWS = 20
# Accepted emails are recorded as sent together, in one statement, once the batch ends or once
# this many seconds have passed since the first of them was handed to the mail server: a
# process killed mid-batch sends again at most the emails accepted in that time (each with its
# own Message-ID, each listed among the possible duplicates). A send slower than this is
# recorded before the next one starts, as every send was before batches.
RECORD_SENT_WITHIN = 0.25


class TransientDeliveryError(Exception):
    def __init__(self, message: str, *, retry_in: int) -> None:
        super().__init__(message)
        self.retry_in = retry_in


@dataclass
class SweepResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    overdue: int = 0
    # Rows skipped for a database error; their lease runs out and a later sweep takes them.
    errors: int = 0


def outbox_enqueue(
    *,
    provider: Provider,
    kind: str,
    now: datetime,
    key: str = "",
    context: dict[str, Any] | None = None,
    resend: int = 0,
) -> OutboxEmail:
    """Write the email row inside the caller's transaction; hand it to a worker on commit.

    `kind` is a registered email kind's code (an unknown one is refused here, not when sending);
    `key` says which occurrence of it this is (OutboxEmail.key). A second email with the same
    (provider, kind, key, resend) is refused by the database (IntegrityError), so a service
    that ran twice cannot send twice. `resend` is for outbox_resend."""
    email_kinds.kind(kind)
    row = OutboxEmail.objects.create(
        provider=provider,
        step=kind,
        key=key,
        resend=resend,
        context=context or {},
        to_email=provider.user.email,
        message_id=_new_message_id(),
        created_at=now,
        due_at=one_business_day_after(now),
    )
    transaction.on_commit(lambda: _publish(row.pk))
    return row


@dataclass(frozen=True)
class OutgoingEmail:
    """One email for outbox_enqueue_many: to whom, which kind, its key and what it says."""

    provider_id: int
    to_email: str
    kind: str
    key: str = ""
    context: dict[str, Any] = field(default_factory=dict)


def outbox_enqueue_many(*, emails: Sequence[OutgoingEmail], now: datetime) -> None:
    """Write many email rows inside the caller's transaction, set-based: one INSERT (per
    INSERT_BATCH rows) that skips every row whose (provider, kind, key) already has its email,
    so queuing the same emails again adds nothing. After commit, one task sends every unsent
    email (these among them), not one task per row.

    Only for kinds declared `bulk` (onboarding.email_kinds): a single email goes through
    outbox_enqueue, which hands that row to a worker at once and refuses a duplicate loudly."""
    if not emails:
        return
    for code in {email.kind for email in emails}:
        if not email_kinds.kind(code).bulk:
            raise ValueError(f"Email kind {code!r} is not declared bulk; queue it with outbox_enqueue")
    due_at = one_business_day_after(now)
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                provider_id=email.provider_id,
                step=email.kind,
                key=email.key,
                context=email.context,
                to_email=email.to_email,
                message_id=_new_message_id(),
                created_at=now,
                due_at=due_at,
            )
            for email in emails
        ],
        ignore_conflicts=True,
        batch_size=INSERT_BATCH,
    )
    transaction.on_commit(_request_sweep)


def outbox_context_erase(*, kind: str, keys: Mapping[int, Sequence[str]]) -> int:
    """Blank the context of these emails ({provider id: keys}) once the sender no longer needs
    what it held (a visitor's words, say); the row itself stays as the record that it was sent.
    Returns how many rows were blanked. The caller decides when: this does not check sent-ness."""
    if not keys:
        return 0
    matching = Q()
    for provider_id, provider_keys in keys.items():
        matching |= Q(provider_id=provider_id, key__in=list(provider_keys))
    return OutboxEmail.objects.filter(matching, step=kind).update(context={})


def _new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


# The delivery tasks, by their registered names (onboarding/tasks.py, imported at app-ready time):
# tasks.py imports this module, so this module names the tasks rather than importing them.
SEND_ONE_TASK = "onboarding.tasks.send_outbox_email"
SEND_UNSENT_TASK = "onboarding.tasks.send_unsent_emails"


def _publish(email_id: int) -> None:
    try:
        celery_app.tasks[SEND_ONE_TASK].delay(email_id)
    except Exception:
        # The row is committed; the periodic sweep delivers it when the broker is back.
        logger.warning(
            "Broker unavailable; outbox email %s waits for the next sweep", email_id, exc_info=True
        )


def _request_sweep() -> None:
    """After commit: one task sends every unsent outbox email (a bulk enqueue's among them)."""
    try:
        celery_app.tasks[SEND_UNSENT_TASK].delay()
    except Exception:
        # The rows are committed; the periodic sweep delivers them.
        logger.warning("Broker unavailable; queued outbox emails wait for the next sweep", exc_info=True)


def _backoff_seconds(attempts: int) -> int:
    """30 s after the first failed attempt, doubling each time, at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def _send_allowance() -> float:
    # A send waits at most EMAIL_TIMEOUT for each reply; allow two (the reply that timed out
    # and the QUIT after it). A claimed row with less lease left than this is handed back.
    return 2 * (settings.EMAIL_TIMEOUT or settings.OUTBOX_LEASE_SECONDS / 4)


def _with_reconnect(operation: Callable[[], T], *, what: str) -> T:
    """Run one database operation; if the connection was dropped, reconnect and run it again.

    Only outside a transaction: inside one, the work before the drop is gone, and repeating
    the last statement would not bring it back (the caller's transaction fails instead)."""
    for pause in RECONNECT_PAUSES:
        try:
            return operation()
        except (OperationalError, InterfaceError) as exc:
            if connection.in_atomic_block:
                raise
            logger.warning("Database connection lost while %s (%s); reconnecting", what, exc)
            connection.close()
            time.sleep(pause)
    return operation()  # the last try: its error goes to the caller


def _drop_broken_connection() -> None:
    # Django reconnects on the next query once the broken connection is closed. Never inside a
    # transaction (a test's, or a caller's): closing there would abandon its work.
    if not connection.in_atomic_block:
        connection.close()


def _lease_until(now: datetime) -> datetime:
    # The lease runs from the moment of claiming, never from when a long sweep began: an old
    # `now` would hand out leases that are already over, and another sender could take the row.
    return max(now, timezone.now()) + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def _claim(queryset: QuerySet, *, now: datetime, limit: int) -> list[OutboxEmail]:
    """Lease up to `limit` rows of `queryset` (oldest due first) that no other sender holds
    locked, and return them with their providers and users. A locked row is skipped, never
    waited for."""
    lease_until = _lease_until(now)
    candidates = queryset.order_by("due_at", "pk").values_list("pk", flat=True)[:limit]
    if connection.vendor == "postgresql":
        select_sql, params = candidates.query.get_compiler(connection=connection).as_sql()
        return _claim_in_one_statement(
            f"claimable (id) AS MATERIALIZED ({select_sql} FOR UPDATE SKIP LOCKED)",
            "claimable",
            [*params, lease_until],
        )
    # SQLite (local development) has no row locks to skip, and one writer at a time anyway.
    with transaction.atomic():
        ids = list(candidates.select_for_update(skip_locked=True))
        OutboxEmail.objects.filter(pk__in=ids).update(claimed_until=lease_until, attempts=F("attempts") + 1)
    return list(
        OutboxEmail.objects.filter(pk__in=ids).select_related("provider__user").order_by("due_at", "pk")
    )


@functools.cache
def _own_and_company_sql() -> str:
    """The CTEs of a per-row claim: the task's own row if nobody holds it (its retry backoff
    does not apply: a task retrying through the broker was asked to send now), and only then up
    to COMPANY_ROWS other claimable rows, oldest due first, as the sweep takes them. Written
    once as text (the same statement every time: no ORM compiling per email)."""
    table = connection.ops.quote_name(OutboxEmail._meta.db_table)
    unclaimed = "sent_at IS NULL AND failed_at IS NULL AND (claimed_until IS NULL OR claimed_until < %s)"
    return (
        f"own (id) AS MATERIALIZED (SELECT id FROM {table} WHERE id = %s AND {unclaimed} "  # noqa: S608 - the table is the model's, the values are parameters
        "FOR UPDATE SKIP LOCKED), "
        f"company (id) AS MATERIALIZED (SELECT id FROM {table} WHERE EXISTS (SELECT 1 FROM own) "
        f"AND id <> %s AND {unclaimed} AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
        "ORDER BY due_at, id LIMIT %s FOR UPDATE SKIP LOCKED), "
        "claimable (id) AS (SELECT id FROM own UNION ALL SELECT id FROM company)"
    )


def _claim_own_and_company(*, email_id: int, now: datetime, company: int) -> list[OutboxEmail]:
    """Lease row `email_id` and, if this sender got it, up to `company` other claimable rows, in
    one statement. The own row comes first; [] when someone else holds or has sent it."""
    lease_until = _lease_until(now)
    if connection.vendor == "postgresql":
        rows = _claim_in_one_statement(
            _own_and_company_sql(), "claimable", [email_id, now, email_id, now, now, company, lease_until]
        )
    else:
        with transaction.atomic():
            ids = list(OutboxEmail.objects.unclaimed(now).filter(pk=email_id).values_list("pk", flat=True))
            if ids:
                others = OutboxEmail.objects.claimable(now).exclude(pk=email_id).order_by("due_at", "pk")
                ids += list(others.values_list("pk", flat=True)[:company])
            OutboxEmail.objects.filter(pk__in=ids).update(
                claimed_until=lease_until, attempts=F("attempts") + 1
            )
        rows = list(
            OutboxEmail.objects.filter(pk__in=ids).select_related("provider__user").order_by("due_at", "pk")
        )
    return sorted(rows, key=lambda row: row.pk != email_id)  # stable: the rest stay oldest due first


@functools.cache
def _claim_update_sql(source: str) -> str:
    models = (OutboxEmail, Provider, User)
    tables = [connection.ops.quote_name(model._meta.db_table) for model in models]
    returning = ", ".join(
        f"{alias}.{connection.ops.quote_name(field.column)}"
        for alias, model in zip(("outbox", "provider", "account"), models, strict=True)
        for field in model._meta.concrete_fields
    )
    return (
        f"UPDATE {tables[0]} AS outbox SET claimed_until = %s, attempts = outbox.attempts + 1 "  # noqa: S608 - the SQL is the models', the values are parameters
        f"FROM {source}, {tables[1]} AS provider, {tables[2]} AS account "
        f"WHERE outbox.id = {source}.id AND provider.id = outbox.provider_id "
        f"AND account.id = provider.user_id RETURNING {returning}"
    )


def _claim_in_one_statement(ctes: str, source: str, params: Sequence[Any]) -> list[OutboxEmail]:
    """Lock, lease and count the attempt in one UPDATE, which is its own transaction, and read
    the claimed rows with their providers and users from its RETURNING. `ctes` name the rows to
    claim (as `source`, locked FOR UPDATE SKIP LOCKED); `params` are theirs, then the lease.

    The same lock as select_for_update(skip_locked=True) inside a transaction, in one round trip
    instead of five (BEGIN, SELECT ... FOR UPDATE, UPDATE, COMMIT, then SELECT the rows): the
    claim was most of a send's database time. MATERIALIZED runs the locking SELECT once, so the
    UPDATE touches only the rows it locked; the provider and user rows are read, not locked."""
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {ctes} {_claim_update_sql(source)}", params)
        results = cursor.fetchall()
    models = (OutboxEmail, Provider, User)
    builders = [_builder(model) for model in models]
    rows = []
    for values in results:
        row, provider, user = _instances(builders, values)
        provider.user = user
        row.provider = provider
        rows.append(row)
    return sorted(rows, key=lambda row: (row.due_at, row.pk))


def _builder(model: type[Any]) -> tuple[type[Any], list[str], list[tuple[Any, list[Any]]]]:
    """What building `model` from its concrete fields' values takes: its attnames, and each
    field's column with its converters (JSON parsed, and so on), as the ORM applies them.
    Looked up once per claim, not per row."""
    fields = model._meta.concrete_fields
    converters = [
        (f.cached_col, [*connection.ops.get_db_converters(f.cached_col), *f.get_db_converters(connection)])
        for f in fields
    ]
    return model, [f.attname for f in fields], converters


def _instances(builders: Sequence[tuple[type[Any], list[str], list]], values: Sequence[Any]) -> list[Any]:
    """One instance of each model from its slice of `values` (its concrete fields in order)."""
    instances = []
    start = 0
    for model, attnames, converters in builders:
        converted = []
        for (column, field_converters), value in zip(
            converters, values[start : start + len(attnames)], strict=True
        ):
            for converter in field_converters:
                value = converter(value, column, connection)  # noqa: PLW2901 - converted in turn
            converted.append(value)
        instances.append(model.from_db(connection.alias, attnames, converted))
        start += len(attnames)
    return instances


def _release(rows: list[OutboxEmail]) -> None:
    """Hand claimed rows back unsent (not an attempt: nothing was tried), for the next sender."""
    if not rows:
        return
    ids = [row.pk for row in rows]
    _with_reconnect(
        lambda: OutboxEmail.objects.filter(
            pk__in=ids, claimed_until=rows[0].claimed_until, sent_at__isnull=True, failed_at__isnull=True
        ).update(claimed_until=None, attempts=F("attempts") - 1),
        what="handing back claimed outbox emails",
    )


def _text_engine() -> Engine:
    """Django templates without HTML escaping (engine and context both say so), for subjects and
    plain-text bodies: a subject is not HTML, and "O'Brien & Co" must read as typed. The HTML part
    stays escaped. One engine per template directory list (settings may change it in tests)."""
    return _text_engine_for(tuple(str(d) for d in settings.TEMPLATES[0]["DIRS"]))


@functools.cache
def _text_engine_for(dirs: tuple[str, ...]) -> Engine:
    # The installed apps' tag libraries too, as the project's engine has them ({% step_of %}).
    return Engine(dirs=list(dirs), app_dirs=True, autoescape=False, libraries=get_installed_libraries())


def _render_text(name: str, context: dict) -> str:
    return _text_engine().get_template(name).render(Context(context, autoescape=False))


def render_outbox_email(row: OutboxEmail) -> EmailMultiAlternatives:
    """The email as it goes out: its kind's templates (onboarding.email_kinds) with the row's
    context, and the kind's link built now for this provider."""
    kind = email_kinds.kind(row.step)
    context = {
        **row.context,
        "provider": row.provider,
        "action_url": kind.action_url(row.provider),
        "link_days": settings.FORM_LINK_MAX_AGE_DAYS,
        "site_url": settings.SITE_URL,
    }
    template = kind.template
    subject = " ".join(_render_text(f"{template}.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=_render_text(f"{template}.txt", context),
        to=[row.to_email],
        headers={"Message-ID": row.message_id},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _reply_text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _error_text(exc: Exception) -> str:
    """An error as staff read it in last_error: the server's code and words for SMTP replies."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {_reply_text(reply)}" for code, reply in exc.recipients.values())
        return f"{type(exc).__name__}: {replies}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_reply_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _refusal(exc: Exception) -> str | None:
    """What the mail server said when it refused this email for good (a 5xx reply, or one of
    anymail's permanent errors), or None when a later attempt may succeed: 4xx replies, a
    dropped connection, a timeout (smtplib.SMTPServerDisconnected, OSError) and anything else."""
    if isinstance(exc, PERMANENT_ERRORS):
        return f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        # Raised when every recipient was refused, each with its own reply.
        replies = list(exc.recipients.values())
        if replies and all(500 <= code < 600 for code, _ in replies):
            return "; ".join(f"{code} {_reply_text(reply)}" for code, reply in replies)
        return None
    # SMTPSenderRefused, SMTPDataError and other replies to one command carry their code.
    if (
        isinstance(exc, smtplib.SMTPResponseException)
        and not isinstance(exc, CONFIGURATION_ERRORS)
        and 500 <= exc.smtp_code < 600
    ):
        return f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
    return None


def _update_unsent(row: OutboxEmail, *, what: str, **values: Any) -> int:
    return _with_reconnect(
        lambda: OutboxEmail.objects.filter(pk=row.pk, sent_at__isnull=True).update(**values), what=what
    )


def _fail(row: OutboxEmail, reason: str) -> str:
    _update_unsent(
        row,
        what=f"recording outbox email {row.pk} as failed",
        failed_at=timezone.now(),
        claimed_until=None,
        next_attempt_at=None,
        last_error=reason[:2000],
    )
    logger.error(
        "Outbox email %s (%s, key %r) to provider %s will not be sent: %s",
        row.pk,
        row.step,
        row.key,
        row.provider_id,
        reason,
    )
    return "failed"


def _retry_later(row: OutboxEmail, error: str) -> int:
    retry_in = _backoff_seconds(row.attempts)
    _update_unsent(
        row,
        what=f"recording the failed attempt of outbox email {row.pk}",
        claimed_until=None,
        next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
        last_error=error[:2000],
    )
    logger.warning(
        "Outbox email %s not sent (attempt %s of %s), retrying in %ss: %s",
        row.pk,
        row.attempts,  # already counted when the row was claimed
        settings.OUTBOX_MAX_ATTEMPTS,
        retry_in,
        error,
    )
    return retry_in


def _record_sent(sent: Sequence[tuple[OutboxEmail, str]]) -> None:
    """Mark these rows sent in one statement, each with the email provider's id for it. A row
    someone else marked meanwhile is left as it is."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for row, esp_id in sent:
                OutboxEmail.objects.filter(pk=row.pk, sent_at__isnull=True).update(
                    sent_at=now,
                    claimed_until=None,
                    next_attempt_at=None,
                    last_error="",
                    esp_message_id=esp_id,
                )
        return
    with connection.cursor() as cursor:
        cursor.execute(_record_sent_sql(), [now, [row.pk for row, _ in sent], [esp_id for _, esp_id in sent]])


@functools.cache
def _record_sent_sql() -> str:
    # The same text for any number of rows (arrays, not a list of values): no ORM compiling.
    table = connection.ops.quote_name(OutboxEmail._meta.db_table)
    return (
        f"UPDATE {table} AS outbox SET sent_at = %s, claimed_until = NULL, next_attempt_at = NULL, "  # noqa: S608 - the table is the model's, the values are parameters
        "last_error = '', esp_message_id = sent.esp_message_id "
        "FROM unnest(%s::bigint[], %s::text[]) AS sent (id, esp_message_id) "
        "WHERE outbox.id = sent.id AND outbox.sent_at IS NULL"
    )


Outcome = str | Exception  # "sent", "failed", or what kept the row from being either


class _Accepted:
    """Emails the mail server accepted, waiting to be recorded as sent together (RECORD_SENT_WITHIN)."""

    def __init__(self, result: SweepResult, outcomes: dict[int, Outcome]) -> None:
        self.result = result
        self.outcomes = outcomes
        self.rows: list[tuple[OutboxEmail, str]] = []
        self.first_started = 0.0

    def add(self, row: OutboxEmail, message: EmailMultiAlternatives, *, started: float) -> None:
        # anymail reports the email provider's own id for the message (absent on plain SMTP).
        esp_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
        if not self.rows:
            self.first_started = started
        self.rows.append((row, "" if esp_id is None else str(esp_id)))

    def due(self) -> bool:
        return bool(self.rows) and time.monotonic() - self.first_started >= RECORD_SENT_WITHIN

    def record(self) -> None:
        """Mark the accepted rows sent. If the database stays away through every reconnect, they
        are the documented window: each goes out again after its lease, with its Message-ID."""
        if not self.rows:
            return
        rows, self.rows = self.rows, []
        try:
            _with_reconnect(lambda: _record_sent(rows), what=f"marking {len(rows)} outbox emails sent")
        except DatabaseError as exc:
            logger.error(
                "Outbox emails %s were accepted by the mail server but could not be marked sent; they "
                "go out again after their lease, each with its own Message-ID (%s)",
                ", ".join(str(row.pk) for row, _ in rows),
                ", ".join(row.message_id for row, _ in rows),
            )
            self.result.errors += len(rows)
            self.outcomes.update((row.pk, exc) for row, _ in rows)
            _drop_broken_connection()
            return
        for row, _ in rows:
            logger.info(
                "Outbox email %s (%s, key %r) sent to provider %s (attempt %s)",
                row.pk,
                row.step,
                row.key,
                row.provider_id,
                row.attempts,
            )
            self.outcomes[row.pk] = "sent"
        self.result.sent += len(rows)


class _MailConnection:
    """One connection to the mail server (or the email provider's API) for a batch's sends,
    instead of one per email; after an error the next send opens a fresh one."""

    def __init__(self) -> None:
        self._backend: Any = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self._backend is None:
            backend = get_connection()
            backend.open()
            self._backend = backend
        message.connection = self._backend
        message.send()

    def close(self) -> None:
        backend, self._backend = self._backend, None
        if backend is None:
            return
        try:
            backend.close()
        except Exception:
            # A session that failed may fail to close too; the next send opens a fresh one.
            logger.debug("Closing the mail connection failed", exc_info=True)


def _send(row: OutboxEmail, *, mail: _MailConnection, accepted: _Accepted) -> str:
    """Send one claimed row. Returns "sent" (accepted, recorded with the batch) or "failed";
    raises TransientDeliveryError."""
    if row.attempts > settings.OUTBOX_MAX_ATTEMPTS:
        # Every earlier sender claimed it and never reported back (each was killed mid-send).
        return _fail(
            row, f"{GAVE_UP}{row.attempts - 1} attempts: {row.last_error or 'no sender reported back'}"
        )
    started = time.monotonic()
    try:
        message = render_outbox_email(row)
        mail.send(message)
    except SoftTimeLimitExceeded:
        # The task's time ran out mid-send: hand the row back and let the task end. Whether the
        # server took the message is unknown, so this is one of the possible duplicates.
        mail.close()
        _retry_later(row, "the task's time limit ran out during the send")
        raise
    except Exception as exc:
        mail.close()
        error = _error_text(exc)
        if (refusal := _refusal(exc)) is not None:
            return _fail(row, REFUSED + refusal)
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return _fail(row, f"{GAVE_UP}{row.attempts} attempts: {error}")
        retry_in = _retry_later(row, error)
        raise TransientDeliveryError(error, retry_in=retry_in) from exc
    accepted.add(row, message, started=started)
    return "sent"


def _send_claimed(
    rows: list[OutboxEmail], *, result: SweepResult, time_left: Callable[[], bool]
) -> dict[int, Outcome]:
    """Send claimed rows in turn over one mail connection, each on its own: one row's refusal,
    outage or database error never fails, loses or delays another. The accepted ones are marked
    sent together (RECORD_SENT_WITHIN). A row whose lease has too little time left for one more
    send, or that the time budget no longer covers, is handed back unsent, with the rest."""
    outcomes: dict[int, Outcome] = {}
    last_safe_start = time.monotonic() + settings.OUTBOX_LEASE_SECONDS - _send_allowance()
    mail = _MailConnection()
    accepted = _Accepted(result, outcomes)
    try:
        for index, row in enumerate(rows):
            if not time_left() or time.monotonic() > last_safe_start:
                _release(rows[index:])
                break
            try:
                if _send(row, mail=mail, accepted=accepted) == "failed":
                    result.failed += 1
                    outcomes[row.pk] = "failed"
            except TransientDeliveryError as exc:
                result.retrying += 1
                outcomes[row.pk] = exc
            except SoftTimeLimitExceeded:
                _release(rows[index + 1 :])
                raise
            except DatabaseError as exc:
                # One row's database trouble never costs the rest of the batch its turn.
                logger.exception("Outbox email %s: database error, going on with the next row", row.pk)
                result.errors += 1
                outcomes[row.pk] = exc
                _drop_broken_connection()
            if accepted.due():
                accepted.record()
    finally:
        mail.close()
        accepted.record()
    return outcomes


def _time_left(budget: float | None) -> Callable[[], bool]:
    started = time.monotonic()
    return lambda: budget is None or time.monotonic() - started < budget


def outbox_deliver(*, email_id: int, now: datetime | None = None, time_budget: float | None = None) -> str:
    """Send row `email_id` now (the on-commit task): "sent", "failed", or "skipped" when it is
    sent or someone else holds it. Raises TransientDeliveryError when it should be tried again.

    The same statement that claims it claims up to COMPANY_ROWS other claimable rows (only if
    this task got its own), sent after it and recorded with it: a burst of per-row tasks is
    delivered in batches, like the sweep, and the later tasks find their rows taken or sent
    after that one statement. The own row always goes first; the others' failures are theirs
    (a backoff in the database for the sweep), never this task's. With `time_budget` (seconds)
    the task hands back what it has not reached in time, like the sweep."""
    now = now or timezone.now()
    time_left = _time_left(time_budget)
    rows = _with_reconnect(
        lambda: _claim_own_and_company(email_id=email_id, now=now, company=settings.OUTBOX_SEND_COMPANY_ROWS),
        what=f"claiming outbox email {email_id}",
    )
    if not rows:
        return "skipped"
    outcome = _send_claimed(rows, result=SweepResult(), time_left=time_left).get(email_id, "skipped")
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def outbox_sweep(
    *, now: datetime | None = None, batch_size: int = 50, time_budget: float | None = None
) -> SweepResult:
    """Send everything unsent (due or not), then report what is past due. Safe to overlap.

    With `time_budget` (seconds) the sweep takes no more rows once it is spent and leaves them
    to the next sweep: a Celery task must end before its time limit. A claimed row whose lease
    has too little time left for one more send is handed back, never sent under a lease that
    may run out while it is sent (another sender would send it too)."""
    now = now or timezone.now()
    result = SweepResult()
    time_left = _time_left(time_budget)

    def claim_batch() -> list[OutboxEmail]:
        # Each round asks what is claimable at that moment (a long sweep's start time would see
        # other senders' live leases as expired). `now` only ever moves the clock forward (tests).
        current = max(now, timezone.now())
        return _with_reconnect(
            lambda: _claim(OutboxEmail.objects.claimable(current), now=current, limit=batch_size),
            what="claiming outbox emails",
        )

    while time_left() and (rows := claim_batch()):
        _send_claimed(rows, result=result, time_left=time_left)
    overdue = _with_reconnect(
        lambda: list(
            OutboxEmail.objects.overdue(timezone.now()).only("pk", "provider_id", "step", "key", "due_at")[
                :200
            ]
        ),
        what="listing past-due outbox emails",
    )
    for row in overdue:
        result.overdue += 1
        logger.error(
            "Outbox email %s (%s, key %r) for provider %s is past due since %s",
            row.pk,
            row.step,
            row.key,
            row.provider_id,
            row.due_at.isoformat(),
        )
    return result


def outbox_refused(queryset: QuerySet[OutboxEmail]) -> QuerySet[OutboxEmail]:
    """Rows the mail server refused for good (a 5xx reply): fix the address, then resend."""
    return queryset.filter(failed_at__isnull=False).exclude(last_error__startswith=GAVE_UP)


def outbox_given_up(queryset: QuerySet[OutboxEmail]) -> QuerySet[OutboxEmail]:
    """Rows that failed OUTBOX_MAX_ATTEMPTS times without a refusal (an outage that lasted)."""
    return queryset.filter(failed_at__isnull=False, last_error__startswith=GAVE_UP)


def outbox_possible_duplicates(queryset: QuerySet[OutboxEmail]) -> QuerySet[OutboxEmail]:
    """Sent rows that took more than one attempt: the only rows that may have reached the
    recipient twice, each copy with the row's Message-ID. A row sent at its first attempt was
    sent once."""
    return queryset.filter(sent_at__isnull=False, attempts__gt=1)


def outbox_failure(row: OutboxEmail) -> str:
    """Why a failed row will not be sent, in staff's words (from last_error)."""
    if row.last_error.startswith((REFUSED, GAVE_UP)):
        return row.last_error
    return REFUSED + row.last_error  # rows failed before the cause was written down


def outbox_next_send_key(*, provider: Provider, kind: str) -> str:
    """The key of the next send of an email that is sent again as a new email ("send-2",
    "send-3": the first send's key is ""). The caller holds the provider's lock."""
    sends = OutboxEmail.objects.filter(provider=provider, step=kind, resend=0).count()
    return f"send-{sends + 1}"


def outbox_resend(*, email: OutboxEmail, actor: User | None, now: datetime | None = None) -> OutboxEmail:
    """Staff send an email again: a new row with the same kind and key (the key belongs to the
    service that queued the email) and the next resend number, the same content and fresh
    links, recording who asked. The original row keeps its own delivery record."""
    now = now or timezone.now()
    with transaction.atomic():
        # The provider's lock orders this with the transitions that queue emails.
        provider = Provider.objects.select_for_update().select_related("user").get(pk=email.provider_id)
        last = OutboxEmail.objects.filter(provider=provider, step=email.step, key=email.key).aggregate(
            last=Max("resend")
        )["last"]
        row = outbox_enqueue(
            provider=provider,
            kind=email.step,
            key=email.key,
            resend=(last or 0) + 1,
            now=now,
            context={**email.context, "resent_by": getattr(actor, "email", "")},
        )
    logger.info("Outbox email %s resent as %s by %s", email.pk, row.pk, actor)
    return row
