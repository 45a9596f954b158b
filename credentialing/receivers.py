"""Credentialing's reactions to the layers below (connected in CredentialingConfig.ready())."""

from datetime import datetime

from django.dispatch import receiver

from credentialing import emails
from onboarding.models import Provider
from onboarding.services.outbox import outbox_enqueue
from onboarding.signals import general_onboarding_submitted


@receiver(general_onboarding_submitted, dispatch_uid="credentialing.insurance_form_email")
def insurance_form_email(sender, *, provider: Provider, now: datetime, **kwargs) -> None:
    """Step 1 done: invite the provider to step 2, the Insurance Form. In the submission's
    transaction (the signal is sent inside it), under its provider lock: once, due one
    business day after the submission."""
    outbox_enqueue(provider=provider, kind=emails.INSURANCE_FORM, now=now)
