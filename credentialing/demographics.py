"""The optional "About you" questions of the Insurance Form: race, ethnicity and languages spoken.

NCQA's credentialing standards ask the application to carry optional race, ethnicity and
language questions. The categories are the OMB minimum ones (Statistical Policy Directive 15,
the 1997 standard CAQH ProView also asks with: five races, and Hispanic or Latino as a separate
ethnicity question); the languages are the portal's own list (onboarding.vocabulary.Language).
Every question has "Prefer not to say", which is an answer, unlike leaving it empty.

The answers live only in credentialing.models.ProviderDemographics. Nothing public or automatic
reads them (the directory, the exports, the go-live rule, the credentialing decision), and staff
see them only with the `credentialing.see_provider_demographics` permission.
"""

from collections.abc import Iterable

from credentialing.models import ProviderDemographics
from onboarding.vocabulary import Language

PREFER_NOT_TO_SAY = ProviderDemographics.PREFER_NOT_TO_SAY
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"
PERMISSION = "credentialing.see_provider_demographics"

RACE_CHOICES = (
    ("american_indian_alaska_native", "American Indian or Alaska Native"),
    ("asian", "Asian"),
    ("black_african_american", "Black or African American"),
    ("native_hawaiian_pacific_islander", "Native Hawaiian or Other Pacific Islander"),
    ("white", "White"),
    (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL),
)
ETHNICITY_CHOICES = (
    ("hispanic_latino", "Hispanic or Latino"),
    ("not_hispanic_latino", "Not Hispanic or Latino"),
    (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL),
)
LANGUAGE_CHOICES = (*Language.choices, (PREFER_NOT_TO_SAY, PREFER_NOT_TO_SAY_LABEL))

ON_ITS_OWN = "“Prefer not to say” goes on its own: untick it, or untick the other answers."


def in_choice_order(codes: Iterable[str], choices) -> list[str]:
    """The codes once each, in the order the page lists them (so a saved answer reads the same
    however it was ticked)."""
    chosen = set(codes)
    return [code for code, _label in choices if code in chosen]


def labels(codes: Iterable[str], choices) -> list[str]:
    names = dict(choices)
    return [names.get(code, code) for code in codes]
