"""Staff replace every outstanding link of a provider ("send fresh links").

A form link is a bearer secret that works for FORM_LINK_MAX_AGE_DAYS. When one may have leaked
(a forwarded email, a shared inbox, a provider who asks), staff raise the provider's
link_version: every form and training link signed before stops working at once and shows "This
link was replaced" (onboarding.links). The provider then gets the emails they still need again,
as recorded resends whose links are built at send time, so they carry the new version.

The portal-access email carries allauth's set-password key, not a form link. allauth checks
that key against the user's password hash, so while the provider has no password yet, a fresh
"unusable" password marker voids every key sent before; the email then goes again with a new
key. Once a password is set there is no outstanding key to revoke: "Forgot your password?" keys
die when the password changes, or after PASSWORD_RESET_TIMEOUT.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credentialing import emails as credentialing_emails
from onboarding import emails as onboarding_emails
from onboarding.models import (
    LinkRenewal,
    OnboardingStep,
    OutboxEmail,
    Provider,
    ReviewedForm,
    ReviewStatus,
)
from onboarding.services.outbox import outbox_resend
from portal import emails as portal_emails
from portal.services.review import FORM_MODELS
from training import emails as training_emails
from training.selectors import training_is_done

logger = logging.getLogger(__name__)

# The emails that carry each form's link: the first invitation and the change requests.
FORM_EMAILS: dict[str, tuple[str, ...]] = {
    ReviewedForm.GENERAL_ONBOARDING: (
        onboarding_emails.GENERAL_ONBOARDING,
        portal_emails.GENERAL_ONBOARDING_CHANGES,
    ),
    ReviewedForm.INSURANCE_FORM: (credentialing_emails.INSURANCE_FORM, portal_emails.INSURANCE_FORM_CHANGES),
}
# A form the provider still has to fill in (or fix); a submitted or approved one needs no link.
STILL_TO_FILL = frozenset({ReviewStatus.DRAFT, ReviewStatus.CHANGES_REQUESTED})


@dataclass(frozen=True)
class FreshLinks:
    provider: Provider
    version: int
    emails: list[OutboxEmail]

    @property
    def email_names(self) -> list[str]:
        return [row.kind_label for row in self.emails]


def _latest_email(provider: Provider, steps: tuple[str, ...]) -> OutboxEmail | None:
    return (
        OutboxEmail.objects.filter(provider=provider, step__in=steps).order_by("-created_at", "-pk").first()
    )


def forms_still_to_fill(provider: Provider) -> list[str]:
    """The forms (ReviewedForm) the provider still has to fill in or fix, in onboarding order.
    Also what "Email me my onboarding link again" reads (portal.services.link_requests)."""
    still: list[str] = []
    for form, model in FORM_MODELS.items():
        record = model.objects.filter(provider=provider).only("status").first()
        if (record.status if record is not None else ReviewStatus.DRAFT) in STILL_TO_FILL:
            still.append(form)
    return still


def _emails_still_needed(provider: Provider) -> list[OutboxEmail]:
    """The latest email for each link the provider still has to use. An email never sent yet is
    left alone: it is rendered when sent, so it carries the new link anyway."""
    latest: list[OutboxEmail | None] = [
        _latest_email(provider, FORM_EMAILS[form]) for form in forms_still_to_fill(provider)
    ]
    if provider.onboarding_step == OnboardingStep.FORMS_APPROVED and not provider.user.has_usable_password():
        latest.append(_latest_email(provider, (portal_emails.PORTAL_ACCESS,)))
    if not training_is_done(provider):
        latest.append(_latest_email(provider, (training_emails.WEBINAR,)))
    return [row for row in latest if row is not None and (row.sent_at or row.failed_at)]


def provider_links_renew(
    *, provider: Provider, actor: User | None, now: datetime | None = None
) -> FreshLinks:
    """Void every form link (and an unused set-password key) of `provider`; email fresh ones."""
    now = now or timezone.now()
    with transaction.atomic():
        # The provider's lock orders this with the transitions that queue emails, and with a
        # second "send fresh links" from another admin tab.
        provider = Provider.objects.select_related("user").select_for_update(of=("self",)).get(pk=provider.pk)
        from_version = provider.link_version
        provider.link_version = from_version + 1
        provider.save(update_fields=["link_version"])
        user = provider.user
        if not user.has_usable_password():
            # A new random unusable marker changes the hash allauth's reset keys are made from.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        emails = [outbox_resend(email=row, actor=actor, now=now) for row in _emails_still_needed(provider)]
        renewal = FreshLinks(provider=provider, version=provider.link_version, emails=emails)
        sent = ", ".join(renewal.email_names)
        LinkRenewal.objects.create(
            provider=provider,
            from_version=from_version,
            to_version=provider.link_version,
            actor=actor,
            note=(f"Sent again: {sent}" if sent else "No email needed again")[:255],
            occurred_at=now,
        )
    logger.info(
        "Form links of provider %s replaced (version %s) by %s; %s emails queued again",
        provider.pk,
        provider.link_version,
        actor,
        len(emails),
    )
    return renewal
