"""The only place resource ids and references are made and read back.

Ids are primary keys, never slugs: a FHIR id is `[A-Za-z0-9\\-.]{1,64}` and a slug may hold `_`
or run past 64 characters. A PractitionerRole is one per (profile, payer in network) because
Plan-Net's `network-reference` is 0..1 per role.
"""

import re

ALMA = "alma"
_PAYER = re.compile(r"payer-(\d{1,18})")
_NETWORK = re.compile(r"network-(\d{1,18})")
_AFFILIATION = re.compile(r"affiliation-(\d{1,18})")
_ROLE = re.compile(r"(\d{1,18})-(\d{1,18})")
_PROFILE = re.compile(r"\d{1,18}")
_SERVICE = re.compile(r"(\d{1,18})-(virtual|inperson)")


def payer_id(pk: int) -> str:
    return f"payer-{pk}"


def network_id(pk: int) -> str:
    return f"network-{pk}"


def affiliation_id(pk: int) -> str:
    return f"affiliation-{pk}"


def role_id(profile_pk: int, payer_pk: int) -> str:
    return f"{profile_pk}-{payer_pk}"


def service_id(profile_pk: int, mode: str) -> str:
    return f"{profile_pk}-{mode}"


def ref(resource_type: str, resource_id: str) -> str:
    return f"{resource_type}/{resource_id}"


def parse_payer(value: str) -> int | None:
    found = _PAYER.fullmatch(value)
    return int(found[1]) if found else None


def parse_network(value: str) -> int | None:
    """A network's payer pk from `network-3`, `Organization/network-3` or an absolute URL."""
    tail = value.rstrip("/").rsplit("/", 2)
    if len(tail) >= 2 and tail[-2] != "Organization":
        return None
    found = _NETWORK.fullmatch(tail[-1])
    return int(found[1]) if found else None


def parse_affiliation(value: str) -> int | None:
    found = _AFFILIATION.fullmatch(value)
    return int(found[1]) if found else None


def parse_role(value: str) -> tuple[int, int] | None:
    found = _ROLE.fullmatch(value)
    return (int(found[1]), int(found[2])) if found else None


def parse_profile(value: str) -> int | None:
    """A Practitioner's or Location's profile pk, from `1234` or `Practitioner/1234`."""
    last = value.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if _PROFILE.fullmatch(last) else None


def parse_service(value: str) -> tuple[int, str] | None:
    found = _SERVICE.fullmatch(value)
    return (int(found[1]), found[2]) if found else None
