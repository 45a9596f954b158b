"""Verification's reactions to the layers below (connected in VerificationConfig.ready())."""

from django.db import transaction
from django.dispatch import receiver

from credentialing.signals import insurance_form_submitted
from verification.services.npi import npi_check_request
from verification.tasks import npi_check

# --- NPI registry checks ---


@receiver(insurance_form_submitted, dispatch_uid="verification.npi_check_on_submission")
def npi_check_on_submission(sender, *, provider, npi: str, now, **kwargs) -> None:
    """Each submission (a resubmission too) asks the registry about the NPI it gives, after commit:
    the row is written in the submission's transaction, the look-up never is, so a registry that
    is down never stops a provider submitting (the check waits, pending, for the sweep)."""
    if not npi:
        return
    check = npi_check_request(provider=provider, npi=npi, now=now)
    transaction.on_commit(lambda: npi_check.delay(check.pk), robust=True)
