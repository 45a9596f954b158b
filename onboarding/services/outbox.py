"""The email outbox: rows written with their transition, delivered exactly once.

Delivery claims a row with a lease (select_for_update(skip_locked=True) + claimed_until), sends,
and marks it sent only after the email provider accepted it. A duplicate task, a retry, two
sweeps or a sweep racing the on-commit task all find the row claimed or sent and do nothing.
If the process dies between "accepted" and "marked sent", the lease runs out and the row is
sent again with the same Message-ID, which downstream systems can recognise.
"""

import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alma.timekeeping import one_business_day_after
from onboarding import links
from onboarding.models import EmailStep, OutboxEmail, Provider
from training import links as training_links

logger = logging.getLogger(__name__)

# Refusals that a retry cannot fix; the row is marked failed and shown to staff.
PERMANENT_ERRORS = (AnymailRecipientsRefused, AnymailInvalidAddress)
# Where each step's email sends the provider (built at send time, so links start fresh).
ACTION_URLS = {
    EmailStep.GENERAL_ONBOARDING: lambda p: links.form_url(p, links.GENERAL_ONBOARDING),
    EmailStep.INSURANCE_FORM: lambda p: links.form_url(p, links.INSURANCE_FORM),
    EmailStep.GENERAL_ONBOARDING_CHANGES: lambda p: links.form_url(p, links.GENERAL_ONBOARDING),
    EmailStep.INSURANCE_FORM_CHANGES: lambda p: links.form_url(p, links.INSURANCE_FORM),
    EmailStep.PORTAL_ACCESS: links.set_password_url,
    EmailStep.WEBINAR: training_links.webinar_url,
    EmailStep.ONBOARDING_COMPLETE: lambda p: f"{settings.SITE_URL}{reverse('home')}",
    # Portal pages behind sign-in (no token): the provider has a password by then.
    EmailStep.HELP_TICKET_RECEIVED: lambda p: f"{settings.SITE_URL}{reverse('helpdesk:list')}",
    EmailStep.HELP_TICKET_REPLY: lambda p: f"{settings.SITE_URL}{reverse('helpdesk:list')}",
    EmailStep.PAYOUT_ACCOUNT_CHANGED: lambda p: f"{settings.SITE_URL}{reverse('practice:payouts')}",
    # The public profile page (no sign-in): what clients see.
    EmailStep.PROFILE_LIVE: lambda p: f"{settings.SITE_URL}{p.directory_profile.get_absolute_url()}",
    EmailStep.BIO_SENT_BACK: lambda p: f"{settings.SITE_URL}{reverse('directory:my_profile')}",
    EmailStep.EXPIRY_REMINDER: lambda p: f"{settings.SITE_URL}{reverse('home')}",
}


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


def outbox_enqueue(
    *,
    provider: Provider,
    step: str,
    now: datetime,
    round: int = 1,  # noqa: A002 - the domain's word for a review round
    context: dict | None = None,
) -> OutboxEmail:
    """Write the email row inside the caller's transaction; hand it to a worker on commit."""
    row = OutboxEmail.objects.create(
        provider=provider,
        step=step,
        round=round,
        context=context or {},
        to_email=provider.user.email,
        message_id=_new_message_id(),
        created_at=now,
        due_at=one_business_day_after(now),
    )
    transaction.on_commit(lambda: _publish(row.pk))
    return row


def _new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


def _publish(email_id: int) -> None:
    from onboarding.tasks import send_outbox_email  # noqa: PLC0415 - tasks import this module

    try:
        send_outbox_email.delay(email_id)
    except Exception:
        # The row is committed; the periodic sweep delivers it when the broker is back.
        logger.warning(
            "Broker unavailable; outbox email %s waits for the next sweep", email_id, exc_info=True
        )


def _backoff_seconds(attempts: int) -> int:
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def _claim(queryset: QuerySet, *, now: datetime, limit: int) -> list[OutboxEmail]:
    # The lease runs from the moment of claiming, never from when a long sweep began: an old
    # `now` would hand out leases that are already over, and another sender could take the row.
    lease_until = max(now, timezone.now()) + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        OutboxEmail.objects.filter(pk__in=ids).update(claimed_until=lease_until, attempts=F("attempts") + 1)
    return list(
        OutboxEmail.objects.filter(pk__in=ids).select_related("provider__user").order_by("due_at", "pk")
    )


@functools.cache
def _text_engine() -> Engine:
    """Django templates without HTML escaping (engine and context both say so), for subjects and
    plain-text bodies: a subject is not HTML, and "O'Brien & Co" must read as typed. The HTML part
    stays escaped."""
    options = settings.TEMPLATES[0]
    return Engine(dirs=[str(d) for d in options["DIRS"]], app_dirs=True, autoescape=False)


def _render_text(name: str, context: dict) -> str:
    return _text_engine().get_template(name).render(Context(context, autoescape=False))


def render_outbox_email(row: OutboxEmail) -> EmailMultiAlternatives:
    context = {
        **row.context,
        "provider": row.provider,
        "action_url": ACTION_URLS[row.step](row.provider),
        "link_days": settings.FORM_LINK_MAX_AGE_DAYS,
        "site_url": settings.SITE_URL,
    }
    template = f"emails/{row.step}"
    subject = " ".join(_render_text(f"{template}.subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=_render_text(f"{template}.txt", context),
        to=[row.to_email],
        headers={"Message-ID": row.message_id},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def _send(row: OutboxEmail) -> str:
    """Send one claimed row. Returns "sent" or "failed"; raises TransientDeliveryError."""
    try:
        message = render_outbox_email(row)
        message.send()
    except PERMANENT_ERRORS as exc:
        OutboxEmail.objects.filter(pk=row.pk).update(
            failed_at=timezone.now(),
            claimed_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.error("Outbox email %s to provider %s was refused for good: %s", row.pk, row.provider_id, exc)
        return "failed"
    except Exception as exc:
        retry_in = _backoff_seconds(row.attempts + 1)
        OutboxEmail.objects.filter(pk=row.pk).update(
            claimed_until=None,
            next_attempt_at=timezone.now() + timedelta(seconds=retry_in),
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning(
            "Outbox email %s not sent (attempt %s), retrying in %ss: %s",
            row.pk,
            row.attempts + 1,
            retry_in,
            exc,
        )
        raise TransientDeliveryError(str(exc), retry_in=retry_in) from exc
    # anymail reports the email provider's own id for the message (absent on plain SMTP).
    esp_id = getattr(getattr(message, "anymail_status", None), "message_id", None)
    OutboxEmail.objects.filter(pk=row.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(),
        claimed_until=None,
        next_attempt_at=None,
        last_error="",
        esp_message_id="" if esp_id is None else str(esp_id),
    )
    logger.info(
        "Outbox email %s (%s, round %s) sent to provider %s",
        row.pk,
        row.step,
        row.round,
        row.provider_id,
    )
    return "sent"


def outbox_deliver(*, email_id: int, now: datetime | None = None) -> str:
    """Send one row now (the on-commit task). "skipped" when it is sent or someone holds it."""
    now = now or timezone.now()
    rows = _claim(OutboxEmail.objects.unclaimed(now).filter(pk=email_id), now=now, limit=1)
    if not rows:
        return "skipped"
    return _send(rows[0])


def outbox_sweep(*, now: datetime | None = None, batch_size: int = 50) -> SweepResult:
    """Send everything unsent (due or not), then report what is past due. Safe to overlap."""
    now = now or timezone.now()
    result = SweepResult()
    # Each round asks what is claimable at that moment (a long sweep's start time would see
    # other senders' live leases as expired). `now` only ever moves the clock forward (tests).
    while rows := _claim(
        OutboxEmail.objects.claimable(current := max(now, timezone.now())), now=current, limit=batch_size
    ):
        for row in rows:
            try:
                outcome = _send(row)
            except TransientDeliveryError:
                result.retrying += 1
            else:
                result.sent += outcome == "sent"
                result.failed += outcome == "failed"
    for row in OutboxEmail.objects.overdue(timezone.now()).only(
        "pk", "provider_id", "step", "round", "due_at"
    )[:200]:
        result.overdue += 1
        logger.error(
            "Outbox email %s (%s, round %s) for provider %s is past due since %s",
            row.pk,
            row.step,
            row.round,
            row.provider_id,
            row.due_at.isoformat(),
        )
    return result


def outbox_enqueue_next_round(
    *, provider: Provider, step: str, now: datetime, context: dict | None = None
) -> OutboxEmail:
    """Queue `step`'s email again as its next round (a new, recorded send; earlier rows stay)."""
    last_round = OutboxEmail.objects.filter(provider=provider, step=step).aggregate(last=Max("round"))["last"]
    return outbox_enqueue(provider=provider, step=step, now=now, round=(last_round or 0) + 1, context=context)


def outbox_resend(*, email: OutboxEmail, actor, now: datetime | None = None) -> OutboxEmail:
    """Staff send an onboarding email again: a new row with the same step and round (the round
    belongs to the service that queued the email) and the next resend number, the same content
    and fresh links, recording who asked. The original row keeps its own delivery record."""
    now = now or timezone.now()
    with transaction.atomic():
        # The provider's lock orders this with the transitions that queue emails.
        provider = Provider.objects.select_for_update().select_related("user").get(pk=email.provider_id)
        last = OutboxEmail.objects.filter(provider=provider, step=email.step, round=email.round).aggregate(
            last=Max("resend")
        )["last"]
        row = OutboxEmail.objects.create(
            provider=provider,
            step=email.step,
            round=email.round,
            resend=(last or 0) + 1,
            context={**email.context, "resent_by": getattr(actor, "email", "")},
            to_email=provider.user.email,
            message_id=_new_message_id(),
            created_at=now,
            due_at=one_business_day_after(now),
        )
        transaction.on_commit(lambda: _publish(row.pk))
    logger.info("Outbox email %s resent as %s by %s", email.pk, row.pk, actor)
    return row
