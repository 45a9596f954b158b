"""Reads of exclusion monitoring for the layers above (verification's file, portal's SLA board)."""

from dataclasses import dataclass
from datetime import date

from onboarding.models import Provider


@dataclass(frozen=True)
class Screening:
    """The provider's latest check against one exclusion list, for the credentialing file."""

    source_label: str  # "OIG LEIE", "SAM exclusions"
    checked_on: date | None  # the latest run that included this provider; None: never checked
    open_case: bool  # a possible match not yet cleared or confirmed
    confirmed: bool  # a confirmed match: the provider is excluded


def screenings(provider: Provider) -> list[Screening]:
    """One Screening per exclusion source, in a fixed order. Built by the exclusions part."""
    raise NotImplementedError("exclusions.selectors.screenings is built by the exclusion monitoring part")
