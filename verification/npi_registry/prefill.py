"""What the Insurance Form may fill in from a registry record (pure): the licence rows from the
taxonomies, and the name, credential and practice address for the provider to compare."""

from dataclasses import asdict, dataclass

from verification.npi_registry import taxonomy
from verification.npi_registry.parse import NpiRecord


@dataclass(frozen=True)
class LicenseRow:
    state: str
    number: str
    license_type: str  # "" when the taxonomy is not one we map (the provider picks it)
    taxonomy: str  # the registry's words, e.g. "Social Worker, Clinical"


@dataclass(frozen=True)
class Prefill:
    name: str
    credential: str
    practice_address: str
    active: bool
    licenses: tuple[LicenseRow, ...]

    def as_dict(self) -> dict:
        return asdict(self)


def prefill_from(record: NpiRecord, *, preferred_license_type: str = "") -> Prefill:
    """One licence row per (state, number) the taxonomies give, primary taxonomy first."""
    rows: dict[tuple[str, str], LicenseRow] = {}
    for entry in sorted(record.taxonomies, key=lambda t: not t.primary):
        if not entry.state or not entry.license:
            continue
        key = (entry.state, entry.license)
        if key in rows:
            continue
        license_type = taxonomy.license_type_for(entry.code, preferred=preferred_license_type) or ""
        rows[key] = LicenseRow(
            state=entry.state, number=entry.license, license_type=license_type, taxonomy=entry.desc
        )
    address = record.practice_address
    return Prefill(
        name=record.basic.full_name,
        credential=record.basic.credential,
        practice_address=address.one_line if address else "",
        active=record.basic.is_active,
        licenses=tuple(sorted(rows.values(), key=lambda r: r.state)),
    )
