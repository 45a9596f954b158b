"""The NPPES API's answer (version 2.1) as plain dataclasses; no Django, no I/O.

One look-up by number answers HTTP 200 with one of two envelopes:

- results: ``{"result_count": 1, "results": [{"number", "enumeration_type": "NPI-1"|"NPI-2",
  "basic": {...}, "addresses": [...], "taxonomies": [...], ...}]}``; zero hits is
  ``{"result_count": 0, "results": []}``;
- errors: ``{"Errors": [{"description", "field", "number"}]}`` (a malformed query, for instance).

An individual's ``basic`` has first/middle/last name, credential and ``status`` ("A" active;
a deactivated record carries another status or a deactivation date); an organisation's has
``organization_name`` and its authorised official instead.
"""

from dataclasses import dataclass, field
from typing import Any

INDIVIDUAL = "NPI-1"
ORGANISATION = "NPI-2"
LOCATION = "LOCATION"
MAILING = "MAILING"


class EnvelopeInvalid(ValueError):
    """The body is not an envelope the registry documents: treated like an outage (retry later)."""


@dataclass(frozen=True)
class RegistryError:
    description: str
    field: str = ""
    number: str = ""


@dataclass(frozen=True)
class Address:
    purpose: str  # LOCATION (where they practise) or MAILING
    address_1: str
    address_2: str
    city: str
    state: str
    postal_code: str
    telephone: str = ""

    @property
    def one_line(self) -> str:
        postal = self.postal_code
        if len(postal) == 9 and postal.isdigit():  # the registry writes ZIP+4 without its hyphen
            postal = f"{postal[:5]}-{postal[5:]}"
        street = ", ".join(part for part in (self.address_1, self.address_2) if part)
        return f"{street}, {self.city}, {self.state} {postal}".strip(", ")


@dataclass(frozen=True)
class Taxonomy:
    code: str
    desc: str
    primary: bool
    state: str
    license: str


@dataclass(frozen=True)
class Basic:
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    credential: str = ""
    organization_name: str = ""
    status: str = ""
    deactivation_date: str = ""

    @property
    def is_active(self) -> bool:
        return self.status.upper() == "A" and not self.deactivation_date

    @property
    def full_name(self) -> str:
        if self.organization_name:
            return self.organization_name
        return " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)


@dataclass(frozen=True)
class NpiRecord:
    number: str
    enumeration_type: str
    basic: Basic
    addresses: tuple[Address, ...] = ()
    taxonomies: tuple[Taxonomy, ...] = ()

    @property
    def is_organisation(self) -> bool:
        return self.enumeration_type == ORGANISATION

    @property
    def practice_address(self) -> Address | None:
        return next((a for a in self.addresses if a.purpose == LOCATION), None)

    @property
    def mailing_address(self) -> Address | None:
        return next((a for a in self.addresses if a.purpose == MAILING), None)


@dataclass(frozen=True)
class Envelope:
    result_count: int = 0
    results: tuple[NpiRecord, ...] = ()
    errors: tuple[RegistryError, ...] = field(default_factory=tuple)

    @property
    def record(self) -> NpiRecord | None:
        """The one record a look-up by number finds, or None (zero hits, or an error)."""
        return self.results[0] if self.results else None


def _text(value: Any) -> str:
    # The registry writes "--" for an empty prefix or suffix, and numbers for some codes.
    text = "" if value is None else str(value).strip()
    return "" if text == "--" else text


def _address(raw: dict) -> Address:
    return Address(
        purpose=_text(raw.get("address_purpose")).upper(),
        address_1=_text(raw.get("address_1")),
        address_2=_text(raw.get("address_2")),
        city=_text(raw.get("city")),
        state=_text(raw.get("state")).upper(),
        postal_code=_text(raw.get("postal_code")),
        telephone=_text(raw.get("telephone_number")),
    )


def _taxonomy(raw: dict) -> Taxonomy:
    primary = raw.get("primary")
    return Taxonomy(
        code=_text(raw.get("code")).upper(),
        desc=_text(raw.get("desc")),
        primary=primary is True or str(primary).lower() in {"true", "y", "yes"},
        state=_text(raw.get("state")).upper(),
        license=_text(raw.get("license")),
    )


def _basic(raw: dict) -> Basic:
    return Basic(
        first_name=_text(raw.get("first_name")),
        middle_name=_text(raw.get("middle_name")),
        last_name=_text(raw.get("last_name")),
        credential=_text(raw.get("credential")),
        organization_name=_text(raw.get("organization_name")),
        status=_text(raw.get("status")),
        deactivation_date=_text(raw.get("deactivation_date")),
    )


def _record(raw: dict) -> NpiRecord:
    return NpiRecord(
        number=_text(raw.get("number")),
        enumeration_type=_text(raw.get("enumeration_type")).upper(),
        basic=_basic(raw.get("basic") or {}),
        addresses=tuple(_address(a) for a in raw.get("addresses") or () if isinstance(a, dict)),
        taxonomies=tuple(_taxonomy(t) for t in raw.get("taxonomies") or () if isinstance(t, dict)),
    )


def envelope_parse(body: Any) -> Envelope:
    """The registry's JSON body as an Envelope; EnvelopeInvalid if it is neither documented shape."""
    if not isinstance(body, dict):
        raise EnvelopeInvalid("The registry's answer is not a JSON object.")
    if "Errors" in body:
        errors = body["Errors"] if isinstance(body["Errors"], list) else []
        return Envelope(
            errors=tuple(
                RegistryError(
                    description=_text(e.get("description")) or "The registry refused the request.",
                    field=_text(e.get("field")),
                    number=_text(e.get("number")),
                )
                for e in errors
                if isinstance(e, dict)
            )
            or (RegistryError(description="The registry refused the request."),)
        )
    if "result_count" not in body:
        raise EnvelopeInvalid("The registry's answer has neither results nor errors.")
    try:
        count = int(body["result_count"])
    except (TypeError, ValueError) as exc:
        raise EnvelopeInvalid("The registry's result_count is not a number.") from exc
    results = tuple(_record(r) for r in body.get("results") or () if isinstance(r, dict))
    return Envelope(result_count=count, results=results)


ZERO_RESULTS: dict = {"result_count": 0, "results": []}
