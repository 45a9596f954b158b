"""Reads of the NPI registry checks for staff pages."""

from onboarding.models import Provider
from verification.models import NpiRegistryCheck


def latest_npi_check(provider: Provider | int) -> NpiRegistryCheck | None:
    """The provider's most recent check (one query), or None if none was ever requested."""
    provider_id = provider if isinstance(provider, int) else provider.pk
    return NpiRegistryCheck.objects.filter(provider_id=provider_id).order_by("-requested_at", "-pk").first()
