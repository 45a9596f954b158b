"""Credentialing's reactions to the layers below (connected in CredentialingConfig.ready())."""

from datetime import datetime

from django.db.models.signals import post_save
from django.dispatch import receiver

from credentialing import emails
from credentialing.models import PayerApplicationEvent
from credentialing.turnaround import turnaround_history_changed
from onboarding.models import Provider
from onboarding.services.outbox import outbox_enqueue
from onboarding.signals import general_onboarding_submitted


@receiver(general_onboarding_submitted, dispatch_uid="credentialing.insurance_form_email")
def insurance_form_email(sender, *, provider: Provider, now: datetime, **kwargs) -> None:
    """Step 1 done: invite the provider to step 2, the Insurance Form. In the submission's
    transaction (the signal is sent inside it), under its provider lock: once, due one
    business day after the submission."""
    outbox_enqueue(provider=provider, kind=emails.INSURANCE_FORM, now=now)


@receiver(post_save, sender=PayerApplicationEvent, dispatch_uid="credentialing.turnaround_saved")
def turnaround_history_written(sender, **kwargs) -> None:
    """An event written one by one (a request, the admin, a test): the payers' history changed.
    The services' bulk writes call turnaround_history_changed themselves. No post_delete: events
    go only with their provider's applications, and a receiver would turn that cascade's one
    DELETE into a SELECT of every event first; the cache's timeout catches it."""
    turnaround_history_changed()
