"""The writes of "Contact this provider": sending a visitor's message, and erasing it afterwards.

A visitor's message is stored as a ContactMessage and queued to the provider through the outbox
in the same transaction (kind directory.emails.CONTACT_MESSAGE, key "contact-<id>": one email
per message). The visitor's name, email, phone and message are kept only until that email is
delivered: `contact_messages_erase`, run by the directory's sweep every few minutes
(directory.tasks.publish_due_profiles), blanks them once every outbox row of the message is
sent or has failed for good (refused, or given up after its retries).

Rate limits (fixed windows in the Django cache, so they hold across processes wherever the cache
is shared): CONTACT_LIMIT_PER_IP messages per hour from one address, CONTACT_LIMIT_PER_PROFILE
per day to one profile. The address is kept in the cache only as a salted hash, never stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from directory import emails
from directory.errors import ContactPaused, ContactRateLimited, ProfileNotFound
from directory.models import ContactMessage, DirectoryProfile
from onboarding.models import OutboxEmail
from onboarding.services.outbox import outbox_context_erase, outbox_enqueue

CONTACT_LIMIT_PER_IP = 5  # per hour, from one address
CONTACT_WINDOW_IP = 60 * 60
# Per day. One address to one profile: a visitor needs a few at most, and this (not the cap below)
# is what stops one sender from filling a provider's day. The per-profile cap only stops a flood
# from many addresses; it is high so that a handful of addresses cannot shut a profile's form.
CONTACT_LIMIT_PER_ADDRESS_AND_PROFILE = 5
CONTACT_LIMIT_PER_PROFILE = 100
CONTACT_WINDOW_PROFILE = 24 * 60 * 60
ERASE_BATCH = 1000


@dataclass(frozen=True)
class VisitorMessage:
    name: str
    email: str
    message: str
    phone: str = ""


def _address_key(client_ip: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip}".encode()).hexdigest()[:32]
    return f"directory:contact:ip:{digest}"


def _count(key: str, *, window: int) -> int:
    """One more in this fixed window; the count so far (this one included)."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window starts with this one
        cache.set(key, 1, timeout=window)
        return 1


def contact_attempt_count(*, client_ip: str) -> None:
    """Count an attempt from `client_ip` against its limit, or refuse it (ContactRateLimited).

    Bots caught by the honeypot are counted too, so they run into the limit like anyone else."""
    if _count(_address_key(client_ip), window=CONTACT_WINDOW_IP) > CONTACT_LIMIT_PER_IP:
        raise ContactRateLimited(
            "You have sent several messages in the last hour. Please wait an hour and try again."
        )


def contact_message_send(
    *, slug: str, visitor: VisitorMessage, client_ip: str, now: datetime | None = None
) -> ContactMessage:
    """Store the visitor's message and queue its email to the provider (at least once).

    Refuses a profile that is not live (ProfileNotFound), one whose provider paused new-client
    contact (ContactPaused), and a sender or profile over its limit (ContactRateLimited)."""
    now = now or timezone.now()
    with transaction.atomic():
        profile = (
            DirectoryProfile.objects.select_for_update(of=("self",))
            .select_related("provider__user")
            .filter(slug=slug, is_live=True)
            .first()
        )
        if profile is None:
            raise ProfileNotFound("No live profile at this address.")
        if not profile.accepting_new_clients:
            raise ContactPaused(
                f"{profile.display_name} is not accepting new clients right now, "
                "so your message was not sent."
            )
        contact_attempt_count(client_ip=client_ip)
        pair = f"{_address_key(client_ip)}:profile:{profile.pk}"
        if _count(pair, window=CONTACT_WINDOW_PROFILE) > CONTACT_LIMIT_PER_ADDRESS_AND_PROFILE:
            raise ContactRateLimited(
                f"You have already sent {profile.display_name} several messages today. "
                "Please wait for their reply."
            )
        to_profile = f"directory:contact:profile:{profile.pk}"
        if _count(to_profile, window=CONTACT_WINDOW_PROFILE) > CONTACT_LIMIT_PER_PROFILE:
            raise ContactRateLimited(
                f"{profile.display_name} has had many messages today. Please try again tomorrow."
            )
        message = ContactMessage.objects.create(
            profile=profile,
            visitor_name=visitor.name,
            visitor_email=visitor.email,
            visitor_phone=visitor.phone,
            message=visitor.message,
            created_at=now,
        )
        outbox_enqueue(
            provider=profile.provider,
            kind=emails.CONTACT_MESSAGE,
            key=message.outbox_key,
            now=now,
            context={
                "visitor_name": visitor.name,
                "visitor_email": visitor.email,
                "visitor_phone": visitor.phone,
                "message": visitor.message,
            },
        )
    return message


def contact_messages_erase(*, now: datetime | None = None) -> int:
    """Erase the visitor's details of every message whose email is delivered or given up.

    Done means: no outbox row of the message's key is still unsent (each is sent, or failed
    for good). Blanks the ContactMessage and the context of those outbox rows, so the visitor's
    words are nowhere in the database afterwards. Returns how many messages were erased.

    """
    now = now or timezone.now()
    unsent = OutboxEmail.objects.unsent().filter(
        provider_id=OuterRef("profile__provider_id"),
        step=emails.CONTACT_MESSAGE,
        key=Concat(Value("contact-"), Cast(OuterRef("pk"), CharField())),
    )
    erased = 0
    while True:
        with transaction.atomic():
            done = list(
                ContactMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(erased_at__isnull=True)
                .filter(~Exists(unsent))
                .order_by("pk")
                .values_list("pk", "profile__provider_id")[:ERASE_BATCH]
            )
            if not done:
                return erased
            keys: dict[int, list[str]] = {}
            for pk, provider_id in done:
                keys.setdefault(provider_id, []).append(f"contact-{pk}")
            outbox_context_erase(kind=emails.CONTACT_MESSAGE, keys=keys)
            ContactMessage.objects.filter(pk__in=[pk for pk, _ in done]).update(
                visitor_name="", visitor_email="", visitor_phone="", message="", erased_at=now
            )
        erased += len(done)
        if len(done) < ERASE_BATCH:
            return erased
