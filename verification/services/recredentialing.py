"""Recredentialing: the daily reminder sweep and the provider's "these are still right".

The sweep (verification.tasks.queue_recredentialing_reminders, daily at 06:30 company time)
queues, for each provider whose standing approval falls due within 120 days, the reminder of
the window today is in (verification.recredentialing.reminder_due): one email to the provider
and one to the credentialing team, keyed "<due date>:<days>". outbox_enqueue_many skips a key
that already has its email, so running it three times a day, or again after a crash, queues
each threshold once per recipient. A sweep that missed days sends the reminder of the window
it is in now, never the ones it skipped: a provider 85 days from the due date gets the 90-day
reminder, not the 120-day one as well. Two queries whatever the number of providers: the due
approvals, and one INSERT.
"""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from onboarding.models import Provider
from onboarding.services.outbox import OutgoingEmail, outbox_enqueue_many
from verification import emails
from verification.errors import VerificationError
from verification.models import RecredentialingAttestation
from verification.recredentialing import OPENS_DAYS_BEFORE, Standing, reminder_due, reminder_key
from verification.selectors.decisions import recredentialing_due
from verification.selectors.recredentialing import details_on_file, open_recredentialing

logger = logging.getLogger(__name__)


class RecredentialingNotOpen(VerificationError):
    """The provider has no recredentialing open to confirm details for."""


def _day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def recredentialing_reminders_queue(*, now: datetime | None = None) -> int:
    """Queue today's recredentialing reminders (provider + staff); returns how many providers
    had a reminder due today (already-queued ones included: the INSERT skips them)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = recredentialing_due(today=today, since=today, until=today + timedelta(days=OPENS_DAYS_BEFORE))
    outgoing: list[OutgoingEmail] = []
    for item in due:
        days = reminder_due(item.status.due_on, today)
        if days is None:
            continue
        key = reminder_key(item.status.due_on, days)
        context = {
            "due_on": _day(item.status.due_on),
            "days": item.status.days_left,
            "threshold": days,
            "decided_on": _day(item.decided_on),
            "grace_ends_on": _day(item.status.grace_ends_on),
        }
        outgoing.append(
            OutgoingEmail(
                item.provider_id, item.provider_email, emails.RECREDENTIALING_REMINDER, key, context
            )
        )
        outgoing.append(
            OutgoingEmail(
                item.provider_id,
                settings.CREDENTIALING_TEAM_EMAIL,
                emails.RECREDENTIALING_REMINDER_STAFF,
                key,
                context,
            )
        )
    with transaction.atomic():
        outbox_enqueue_many(emails=outgoing, now=now)
    logger.info("Recredentialing reminders for %s: %s provider(s) due", today.isoformat(), len(outgoing) // 2)
    return len(outgoing) // 2


def recredentialing_attest(
    *, provider: Provider, actor: User, now: datetime | None = None
) -> RecredentialingAttestation:
    """The provider confirms their details are still right for the open recredentialing. A
    second confirmation for the same due date returns the first (the page may be posted twice)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if actor.pk != provider.user_id:
        raise RecredentialingNotOpen("Only the provider can confirm their own details.")
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        status = open_recredentialing(provider, today=today)
        if status is None or status.standing not in {Standing.DUE_SOON, Standing.PAST_DUE}:
            raise RecredentialingNotOpen("There is no recredentialing to confirm your details for right now.")
        existing = RecredentialingAttestation.objects.filter(provider=provider, due_on=status.due_on).first()
        if existing is not None:
            return existing
        # Under the provider's lock, so two posts of the page cannot both get here.
        return RecredentialingAttestation.objects.create(
            provider=provider,
            due_on=status.due_on,
            attested_at=now,
            attested_by=actor,
            details=details_on_file(provider).as_dict(),
        )
