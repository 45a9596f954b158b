"""The provider's own view of their credentialing file: what was checked, with which source and
when, in their words. Staff names, notes and case details stay on the staff side."""

from dataclasses import dataclass
from datetime import date

from exclusions.selectors import Screening
from onboarding.models import Provider
from verification.file import FileEntry, file_entries
from verification.models import NpiRegistryCheck, VerificationResult
from verification.readiness import PSV_MAX_AGE_DAYS
from verification.selectors.decisions import ProviderCredentialing, provider_credentialing
from verification.selectors.npi import latest_npi_check


@dataclass(frozen=True)
class ProviderFileRow:
    label: str
    state: str  # "verified", "waiting", "attention", "renewing": the page's badge
    says: str  # one sentence for the provider


@dataclass(frozen=True)
class ProviderFile:
    rows: list[ProviderFileRow]
    npi_check: NpiRegistryCheck | None
    credentialing: ProviderCredentialing | None

    @property
    def verified_count(self) -> int:
        return sum(1 for row in self.rows if row.state == "verified")


def _screening_row(label: str, screening: Screening) -> ProviderFileRow:
    if screening.checked_on is None:
        return ProviderFileRow(label, "waiting", "Not checked yet: we check every provider each month.")
    checked = f"Checked on {screening.checked_on:%B %-d, %Y}"
    if screening.open_case or screening.confirmed:
        # Routine: most possible matches are someone else with the same name.
        return ProviderFileRow(
            label,
            "attention",
            f"{checked}. Our credentialing team is reviewing the result and will contact you if "
            "they need anything.",
        )
    return ProviderFileRow(label, "verified", f"{checked}: not listed.")


def _row(entry: FileEntry, *, today: date) -> ProviderFileRow:
    label = entry.item.label
    if entry.screening is not None:
        return _screening_row(label, entry.screening)
    latest = entry.latest
    if latest is None:
        return ProviderFileRow(label, "waiting", "Waiting for our team to verify it with its source.")
    source = latest.get_source_display()
    if latest.result != VerificationResult.VERIFIED:
        return ProviderFileRow(
            label,
            "attention",
            f"{source} did not confirm it on {latest.verified_on:%B %-d, %Y}. Our credentialing "
            "team will contact you; if something changed, send us a help request.",
        )
    if (today - latest.verified_on).days > PSV_MAX_AGE_DAYS:
        return ProviderFileRow(
            label,
            "renewing",
            f"Verified with {source} on {latest.verified_on:%B %-d, %Y}; we verify it again before "
            "the committee decides (a check counts for 120 days).",
        )
    return ProviderFileRow(label, "verified", f"Verified with {source} on {latest.verified_on:%B %-d, %Y}.")


def provider_file(provider: Provider, *, today: date) -> ProviderFile:
    """The provider's file page, in a fixed number of queries whatever its size."""
    return ProviderFile(
        rows=[_row(entry, today=today) for entry in file_entries(provider)],
        npi_check=latest_npi_check(provider),
        credentialing=provider_credentialing(provider, today=today),
    )
