"""Exclusion monitoring's reactions to the layers below (connected in ExclusionsConfig.ready())."""

from django.db import transaction
from django.dispatch import receiver

from credentialing.signals import insurance_form_submitted
from exclusions.tasks import exclusions_check_provider


@receiver(insurance_form_submitted, dispatch_uid="exclusions.check_on_submission")
def check_on_submission(sender, *, provider, now, **kwargs) -> None:
    """42 CFR 455.436: a provider is checked at enrolment, not only at the next monthly run. The
    form now holds the date of birth and NPI; the check runs once the submission has committed."""
    provider_id = provider.pk
    transaction.on_commit(lambda: exclusions_check_provider.delay(provider_id), robust=True)
