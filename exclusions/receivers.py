"""Exclusion monitoring's reactions to the layers below (connected in ExclusionsConfig.ready())."""

from django.db import transaction
from django.dispatch import receiver

from credentialing.signals import insurance_form_submitted
from directory.models import DirectoryProfile
from directory.services import profile_hide
from directory.signals import profiles_built
from exclusions.models import CaseStatus, ExclusionCase
from exclusions.tasks import exclusions_check_provider


@receiver(insurance_form_submitted, dispatch_uid="exclusions.check_on_submission")
def check_on_submission(sender, *, provider, now, **kwargs) -> None:
    """42 CFR 455.436: a provider is checked at enrolment, not only at the next monthly run. The
    form now holds the date of birth and NPI; the check runs once the submission has committed."""
    provider_id = provider.pk
    transaction.on_commit(lambda: exclusions_check_provider.delay(provider_id), robust=True)


@receiver(profiles_built, dispatch_uid="exclusions.hold_profiles_of_excluded_providers")
def hold_profiles_of_excluded_providers(sender, *, provider_ids, now, **kwargs) -> None:
    """A confirmed match hides the profile (exclusions.services.case_confirm), but a provider
    confirmed before their General Onboarding form was approved had no profile to hide. Their
    profile, built later, is hidden as it is built, before any sweep could publish it. One query
    when no built provider is excluded (the usual case)."""
    if not provider_ids:
        return
    excluded = dict(
        ExclusionCase.objects.filter(provider_id__in=provider_ids, status=CaseStatus.CONFIRMED)
        .order_by("provider_id", "pk")
        .values_list("provider_id", "pk")
    )
    if not excluded:
        return
    for profile in DirectoryProfile.objects.filter(provider_id__in=excluded, hidden_by_staff=False):
        profile_hide(
            profile=profile,
            actor=None,
            reason=f"Confirmed exclusion match (case #{excluded[profile.provider_id]}): held back",
            now=now,
        )
