"""The mismatches between the NPI registry's answer and what the provider told us: pure rules.

Staff see each flag in review, in words; none blocks the form (the registry is evidence, not
primary-source verification). A flag is raised when:

- the registry refused the look-up (its Errors[] envelope) or has no such NPI;
- the NPI is not active (deactivated);
- it is an organisation's NPI (NPI-2) where an individual's (NPI-1) is expected;
- the name differs: the registry's first and last names must both appear in the provider's legal
  name, compared without case, accents or punctuation (a middle name or a suffix may be missing);
- no taxonomy is a behavioural-health one (verification.npi_registry.taxonomy);
- a licence on the form has no licence in that state in the registry, or the registry's number
  in that state differs (compared without case, spaces, hyphens or leading zeros).
"""

import re
import unicodedata
from dataclasses import asdict, dataclass

from verification.npi_registry import taxonomy
from verification.npi_registry.parse import Envelope, NpiRecord

REGISTRY_REFUSED = "registry_refused"
NOT_FOUND = "not_found"
NOT_ACTIVE = "not_active"
ORGANISATION = "organisation"
NAME_DIFFERS = "name_differs"
NO_BEHAVIOURAL_HEALTH = "no_behavioural_health_taxonomy"
LICENSE_STATE_MISSING = "license_state_missing"
LICENSE_NUMBER_DIFFERS = "license_number_differs"


@dataclass(frozen=True)
class Flag:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class StatedLicense:
    state: str
    license_type: str
    number: str


@dataclass(frozen=True)
class StatedFacts:
    """What the provider told us: their legal name and the Insurance Form's licence rows."""

    legal_name: str
    licenses: tuple[StatedLicense, ...] = ()


def name_tokens(name: str) -> list[str]:
    """ "José  O'Brien-Díaz" -> ["jose", "o", "brien", "diaz"]: no accents, case or punctuation."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.findall(r"[a-z0-9]+", plain)


def names_match(legal_name: str, *, first_name: str, last_name: str) -> bool:
    stated = set(name_tokens(legal_name))
    wanted = name_tokens(last_name) + name_tokens(first_name)[:1]
    return bool(wanted) and all(token in stated for token in wanted)


def license_number_normalised(number: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", number.upper())


def license_numbers_match(stated: str, registry: str) -> bool:
    a, b = license_number_normalised(stated), license_number_normalised(registry)
    if not a or not b:
        return False
    if a == b:
        return True
    # Boards and the registry disagree about prefixes ("R-081234" vs "081234"): the same digits,
    # leading zeros aside, count as the same number when both have some.
    digits_a, digits_b = re.sub(r"\D", "", a).lstrip("0"), re.sub(r"\D", "", b).lstrip("0")
    return bool(digits_a) and digits_a == digits_b


def _license_flags(record: NpiRecord, licenses: tuple[StatedLicense, ...]) -> list[Flag]:
    flags = []
    for stated in licenses:
        in_state = [t for t in record.taxonomies if t.state == stated.state.upper() and t.license]
        if not in_state:
            flags.append(
                Flag(
                    LICENSE_STATE_MISSING,
                    f"The registry lists no licence in {stated.state}; the form gives "
                    f"{stated.license_type} {stated.number}.",
                )
            )
        elif not any(license_numbers_match(stated.number, t.license) for t in in_state):
            registry_numbers = ", ".join(sorted({t.license for t in in_state}))
            flags.append(
                Flag(
                    LICENSE_NUMBER_DIFFERS,
                    f"{stated.state} licence number differs: the form says {stated.number}, "
                    f"the registry says {registry_numbers}.",
                )
            )
    return flags


def registry_flags(envelope: Envelope, stated: StatedFacts, *, npi: str) -> list[Flag]:
    """Every mismatch staff must look at, in the order above; [] when the answer agrees."""
    if envelope.errors:
        reasons = "; ".join(e.description for e in envelope.errors)
        return [Flag(REGISTRY_REFUSED, f"The registry refused the look-up of NPI {npi}: {reasons}")]
    record = envelope.record
    if record is None:
        return [Flag(NOT_FOUND, f"The registry has no NPI {npi}: check the number with the provider.")]
    flags = []
    if not record.basic.is_active:
        since = f" (deactivated {record.basic.deactivation_date})" if record.basic.deactivation_date else ""
        flags.append(Flag(NOT_ACTIVE, f"NPI {npi} is not active in the registry{since}."))
    if record.is_organisation:
        name = record.basic.organization_name or "an organisation"
        flags.append(
            Flag(
                ORGANISATION,
                f"NPI {npi} is an organisation's (NPI-2, {name}); the provider's own "
                "individual NPI (NPI-1) is needed.",
            )
        )
    elif not names_match(
        stated.legal_name, first_name=record.basic.first_name, last_name=record.basic.last_name
    ):
        flags.append(
            Flag(
                NAME_DIFFERS,
                f"The name differs: the registry says {record.basic.full_name or 'nothing'}, "
                f"the provider's legal name is {stated.legal_name}.",
            )
        )
    if not any(taxonomy.is_behavioural_health(t.code) for t in record.taxonomies):
        listed = ", ".join(f"{t.code} {t.desc}".strip() for t in record.taxonomies) or "none"
        flags.append(
            Flag(
                NO_BEHAVIOURAL_HEALTH, f"No behavioural-health taxonomy in the registry (it lists: {listed})."
            )
        )
    flags.extend(_license_flags(record, stated.licenses))
    return flags
