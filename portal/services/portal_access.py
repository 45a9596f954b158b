"""Step 4: portal access. The provider sets a first password and signs in.

The password itself is set by django-allauth's reset-from-key flow (the link in the
PORTAL_ACCESS email, or "Forgot your password?"); accounts.receivers records the step here
once allauth has saved it. Only a provider whose forms are approved moves: a provider at an
earlier step who sets a password through "Forgot your password?" can sign in, but skips
nothing (PRODUCT.md: steps 1-4 happen strictly in order).
"""

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.passwords import password_link_lifetime
from onboarding.errors import InvalidTransition
from onboarding.models import OnboardingStep, OutboxEmail, Provider
from onboarding.services.outbox import outbox_enqueue, outbox_next_send_key
from onboarding.services.steps import step_advance
from portal import emails
from portal.services.completion import onboarding_complete_if_done
from training import emails as training_emails
from training.selectors import training_progress

logger = logging.getLogger(__name__)
__all__ = ["portal_access_email_resend", "portal_access_grant"]


def _locked(provider: Provider) -> Provider:
    return Provider.objects.select_related("user").select_for_update(of=("self",)).get(pk=provider.pk)


def portal_access_grant(
    *, provider: Provider, now: datetime | None = None, note: str = "Portal password set"
) -> bool:
    """Record step 4 for a provider who now has a password; True when this call recorded it.

    Idempotent: a provider already granted (or complete) is left as is, and so is a provider
    still before FORMS_APPROVED. Then the webinar email is queued, unless the webinar and quiz
    are already done: onboarding completes at once and its email replaces the webinar's.
    """
    now = now or timezone.now()
    with transaction.atomic():
        provider = _locked(provider)
        if provider.onboarding_step != OnboardingStep.FORMS_APPROVED:
            return False
        if not provider.user.has_usable_password():
            raise InvalidTransition(f"{provider} has not set a password yet.")
        step_advance(
            provider=provider,
            to_step=OnboardingStep.PORTAL_ACCESS_GRANTED,
            actor=provider.user,
            now=now,
            note=note,
        )
        progress = training_progress(provider)
        if progress.is_done:
            # PRODUCT.md: "If the webinar was already done before step 4, the webinar email is
            # skipped and the completion email follows step 4 directly."
            onboarding_complete_if_done(provider=provider, now=now)
        else:
            outbox_enqueue(
                provider=provider,
                kind=training_emails.WEBINAR,
                now=now,
                # Half done (webinar watched, quiz not yet, or the reverse): the email says so.
                context={
                    "webinar_watched": progress.webinar_completed_at is not None,
                    "quiz_passed": progress.quiz_passed_at is not None,
                },
            )
    return True


def portal_access_email_resend(
    *, provider: Provider, actor: User | None, now: datetime | None = None
) -> OutboxEmail:
    """Staff send the portal-access email again: a new, recorded send with a fresh link.

    Only while the provider is waiting for portal access (FORMS_APPROVED); the new row is the
    next send ("send-2", "send-3"), so the outbox keeps every send. Links in earlier emails
    keep working until they expire or a password is set.
    """
    now = now or timezone.now()
    with transaction.atomic():
        provider = _locked(provider)
        if provider.onboarding_step != OnboardingStep.FORMS_APPROVED:
            raise InvalidTransition(
                f"{provider} is not waiting for portal access "
                f"({OnboardingStep(provider.onboarding_step).label.lower()}); no email was sent."
            )
        row = outbox_enqueue(
            provider=provider,
            kind=emails.PORTAL_ACCESS,
            key=outbox_next_send_key(provider=provider, kind=emails.PORTAL_ACCESS),
            now=now,
            context={"link_valid_for": password_link_lifetime(), "resent_by": getattr(actor, "email", "")},
        )
    logger.info("Portal-access email resent to provider %s by %s (%s)", provider.pk, actor, row.key)
    return row
