"""The provider's optional demographic answers (credentialing.demographics): the one writer.

Called by the Insurance Form's services, inside their transaction, when the page carried the
"About you (optional)" section; saved with a draft and on submission alike. No audit row and
no outbox email: it is the provider's own answer about themself, and a trail of its old values
would be one more copy of it.
"""

from datetime import datetime

from django.utils import timezone

from credentialing import demographics
from credentialing.errors import CredentialingError
from credentialing.models import ProviderDemographics
from onboarding.models import Provider


class DemographicAnswerRefused(CredentialingError):
    """An answer that is not one of the question's choices (only a hand-made request sends one)."""


def _checked(codes: list[str], choices, question: str) -> list[str]:
    known = {code for code, _label in choices}
    if unknown := sorted(set(codes) - known):
        raise DemographicAnswerRefused(f"{question}: {', '.join(unknown)} is not one of the choices.")
    ordered = demographics.in_choice_order(codes, choices)
    if demographics.PREFER_NOT_TO_SAY in ordered and len(ordered) > 1:
        raise DemographicAnswerRefused(f"{question}: {demographics.ON_ITS_OWN}")
    return ordered


def demographics_record(
    *,
    provider: Provider,
    race: list[str],
    ethnicity: str,
    languages: list[str],
    now: datetime | None = None,
) -> ProviderDemographics | None:
    """Store the provider's answers as given (empty: not answered). Returns the row, or None
    when nothing was ever answered (no empty row is made)."""
    now = now or timezone.now()
    race = _checked(race, demographics.RACE_CHOICES, "Race")
    languages = _checked(languages, demographics.LANGUAGE_CHOICES, "Languages")
    if ethnicity:
        [ethnicity] = _checked([ethnicity], demographics.ETHNICITY_CHOICES, "Ethnicity")
    record = ProviderDemographics.objects.select_for_update().filter(provider=provider).first()
    if record is None:
        if not (race or ethnicity or languages):
            return None
        return ProviderDemographics.objects.create(
            provider=provider, race=race, ethnicity=ethnicity, languages=languages, updated_at=now
        )
    if (record.race, record.ethnicity, record.languages) == (race, ethnicity, languages):
        return record
    record.race, record.ethnicity, record.languages, record.updated_at = race, ethnicity, languages, now
    record.save(update_fields=["race", "ethnicity", "languages", "updated_at"])
    return record
