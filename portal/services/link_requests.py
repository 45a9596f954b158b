"""A provider asks for their onboarding link again: "Email me my onboarding link again" on Sign In
(and an invalid link's page), or "Email me a fresh link" on an expired or replaced link's page.

Providers in steps 1 to 3 have no password: they work from the signed links Alma emails, and a
lost or expired email used to leave them stuck. Here they get the link of the step they are on
now (current_link): the General Onboarding form, the Insurance Form, set-password, the training,
where their forms stand while Alma reviews them, or "sign in" once all of that is done.

What a visitor can learn: nothing. The page says the same words with the same status whether
or not the address belongs to a provider, and whether or not a limit was reached (the views
ignore the outcome these functions return; it is for tests and logs). The link goes only to the
provider's own address on file, so asking for someone else's link tells you nothing and gives
you nothing.

Limits (fixed windows in the Django cache, so they hold across processes wherever the cache is
shared; alma.settings CACHES): LINK_REQUESTS_PER_IP an hour from one client address (found as
allauth finds it, behind ALLAUTH_TRUSTED_PROXY_COUNT proxies) and LINK_REQUESTS_PER_ADDRESS an
hour for one email address, counted for unknown addresses too. Both are kept as salted hashes.
On top, one provider gets at most one such email every LINK_AGAIN_QUIET_MINUTES: a second request
in that time (a double click, a second tab, the two doors) sends nothing more; a later one does.
Each email is its own outbox row keyed "request-N" (the provider's N-th link asked for), so the
outbox's one-email-per-key rule backs the quiet period up under the provider's lock.

Links are not voided here: anyone may type any address, and that must not break a provider's
working links. Staff's "send fresh links" (portal.services.links) is the way to void them.
"""

import hashlib
import logging
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.passwords import password_link_lifetime
from onboarding.links import GenuineLink, provider_for_genuine_link
from onboarding.models import OnboardingStep, OutboxEmail, Provider, ReviewedForm
from onboarding.services.outbox import outbox_enqueue
from portal import emails
from portal.services.links import forms_still_to_fill
from training.selectors import training_is_done

logger = logging.getLogger(__name__)

LINK_REQUESTS_PER_IP = 10  # an hour, from one client address (an office may share one)
LINK_REQUESTS_PER_ADDRESS = 3  # an hour, for one email address
LINK_REQUEST_WINDOW_SECONDS = 60 * 60
LINK_AGAIN_QUIET_MINUTES = 15

# The links current_link chooses from (portal.emails.LINK_AGAIN has one email kind for each).
GENERAL_ONBOARDING = "general_onboarding"
INSURANCE_FORM = "insurance_form"
SET_PASSWORD = "set_password"  # noqa: S105 - a link's name
TRAINING = "training"
IN_REVIEW = "in_review"
SIGN_IN = "sign_in"
LINK_AGAIN_KINDS = tuple(kind.code for kind in emails.LINK_AGAIN.values())


class LinkRequestOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"  # within the quiet period
    LIMITED = "limited"  # over a rate limit
    NO_PROVIDER = "no provider"  # no provider uses the address, or the link is not genuine


def current_link(provider: Provider) -> str:
    """The link for the step the provider is on: the first one still theirs to do, in the order
    onboarding runs (steps 1 to 4 strictly in order, the training at any time)."""
    to_fill = forms_still_to_fill(provider)
    if ReviewedForm.GENERAL_ONBOARDING in to_fill:
        return GENERAL_ONBOARDING
    if ReviewedForm.INSURANCE_FORM in to_fill:
        return INSURANCE_FORM
    has_password = provider.user.has_usable_password()
    if not has_password and provider.onboarding_step == OnboardingStep.FORMS_APPROVED:
        return SET_PASSWORD
    if not training_is_done(provider):
        return TRAINING
    return SIGN_IN if has_password else IN_REVIEW


def _hashed(what: str, value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{what}:{value}".encode()).hexdigest()[:32]
    return f"portal:link-request:{what}:{digest}"


def _count(key: str) -> int:
    """One more in this fixed window; the count so far (this one included)."""
    cache.add(key, 0, timeout=LINK_REQUEST_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window starts with this one
        cache.set(key, 1, timeout=LINK_REQUEST_WINDOW_SECONDS)
        return 1


def _within_limits(*, client_ip: str, email: str) -> bool:
    # Both counters move on every request, so a flood from one address or for one address stops
    # whichever limit it reaches first.
    from_ip = _count(_hashed("ip", client_ip))
    for_address = _count(_hashed("address", email.strip().lower()))
    return from_ip <= LINK_REQUESTS_PER_IP and for_address <= LINK_REQUESTS_PER_ADDRESS


def _email_current_link(provider: Provider, *, now: datetime) -> LinkRequestOutcome:
    with transaction.atomic():
        # The provider's lock orders two requests at once (two tabs, the two doors).
        provider = Provider.objects.select_related("user").select_for_update(of=("self",)).get(pk=provider.pk)
        asked = OutboxEmail.objects.filter(provider=provider, step__in=LINK_AGAIN_KINDS)
        latest = asked.order_by("-created_at", "-pk").first()
        if latest is not None and latest.created_at > now - timedelta(minutes=LINK_AGAIN_QUIET_MINUTES):
            return LinkRequestOutcome.ALREADY_SENT
        link = current_link(provider)
        outbox_enqueue(
            provider=provider,
            kind=emails.LINK_AGAIN[link].code,
            key=f"request-{asked.count() + 1}",
            context={
                "link": link,
                **({"link_valid_for": password_link_lifetime()} if link == SET_PASSWORD else {}),
            },
            now=now,
        )
    logger.info("Provider %s asked for their onboarding link again: %s link queued", provider.pk, link)
    return LinkRequestOutcome.SENT


def onboarding_link_request(*, email: str, client_ip: str, now: datetime | None = None) -> LinkRequestOutcome:
    """Email the provider who uses `email` the link for their current step, within the limits.
    The caller must answer the same whatever this returns."""
    now = now or timezone.now()
    if not _within_limits(client_ip=client_ip, email=email):
        logger.info("Onboarding link request over its limit; nothing sent")
        return LinkRequestOutcome.LIMITED
    provider = (
        Provider.objects.select_related("user")
        .filter(user__email__iexact=email.strip(), user__is_active=True)
        .first()
    )
    if provider is None:
        return LinkRequestOutcome.NO_PROVIDER
    return _email_current_link(provider, now=now)


def fresh_link_request(
    *, link: GenuineLink, client_ip: str, now: datetime | None = None
) -> LinkRequestOutcome:
    """ "Email me a fresh link" from an expired or replaced link: its provider gets the link for
    their current step (which may be a later one than the old link's), within the same limits,
    counted against the provider's address as if they had typed it."""
    now = now or timezone.now()
    provider = provider_for_genuine_link(link)
    address = provider.user.email if provider is not None else f"link:{link.provider_id}"
    if not _within_limits(client_ip=client_ip, email=address):
        logger.info("Fresh link request over its limit; nothing sent")
        return LinkRequestOutcome.LIMITED
    if provider is None or not provider.user.is_active:
        return LinkRequestOutcome.NO_PROVIDER
    return _email_current_link(provider, now=now)
