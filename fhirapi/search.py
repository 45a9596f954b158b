"""Search parameters: what each resource type accepts, parsed and checked before any query.

One table per type (`SEARCH_PARAMS`) lists the parameters it accepts; the views parse with it
and the CapabilityStatement declares from it, so the two cannot disagree. Anything not in the
table is refused with a 400 OperationOutcome naming it (strict handling: the issue asks for it;
FHIR's default is lenient), and so is a malformed value: bad input is never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fhirapi import codes, ids

DEFAULT_COUNT = 20
MAX_COUNT = 100

SP = "http://hl7.org/fhir/SearchParameter"
PN_SP = f"{codes.PLAN_NET}/SearchParameter"


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # FHIR search parameter type, for the CapabilityStatement
    definition: str
    documentation: str


class SearchError(Exception):
    """Bad input: a 400 OperationOutcome with an issue `code`, `diagnostics` and `expression`."""

    def __init__(self, code: str, diagnostics: str, expression: str | None = None, status: int = 400):
        super().__init__(diagnostics)
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression
        self.status = status


_COMMON = (
    Param("_id", "token", f"{SP}/Resource-id", "The resource's logical id (comma: any of)"),
    Param(
        "_lastUpdated",
        "date",
        f"{SP}/Resource-lastUpdated",
        "When the published data last changed: eq (default) gt ge lt le sa eb; repeat to AND",
    ),
)

SEARCH_PARAMS: dict[str, tuple[Param, ...]] = {
    "PractitionerRole": (
        *_COMMON,
        Param(
            "specialty", "token", f"{PN_SP}/practitionerrole-specialty", "NUCC taxonomy code, [system|]code"
        ),
        Param("network", "reference", f"{PN_SP}/practitionerrole-network", "Organization/network-<n>"),
        Param("practitioner", "reference", f"{PN_SP}/practitionerrole-practitioner", "Practitioner/<id>"),
        Param("organization", "reference", f"{PN_SP}/practitionerrole-organization", "Organization/alma"),
        Param(
            "practitioner.name", "string", f"{PN_SP}/practitionerrole-practitioner", "Start of any name word"
        ),
        Param(
            "location.address-state",
            "string",
            f"{PN_SP}/practitionerrole-location",
            "USPS state of the office",
        ),
        Param("location.address-city", "string", f"{PN_SP}/practitionerrole-location", "City of the office"),
    ),
    "Practitioner": (
        *_COMMON,
        Param("name", "string", f"{PN_SP}/practitioner-name", "Start of any name word"),
    ),
    "Location": (
        *_COMMON,
        Param("address-state", "string", f"{PN_SP}/location-address-state", "USPS state"),
        Param("address-city", "string", f"{PN_SP}/location-address-city", "City"),
    ),
    "HealthcareService": _COMMON,
    "Organization": (
        *_COMMON,
        Param("type", "token", f"{PN_SP}/organization-type", "OrgTypeCS: prvgrp, payer, ntwk"),
        Param("partof", "reference", f"{PN_SP}/organization-partof", "Organization/payer-<n>"),
        Param("name", "string", f"{PN_SP}/organization-name", "Start of any name word"),
    ),
    "OrganizationAffiliation": (
        *_COMMON,
        Param("network", "reference", f"{PN_SP}/organizationaffiliation-network", "Organization/network-<n>"),
    ),
}

INCLUDES: dict[str, tuple[str, ...]] = {
    "PractitionerRole": (
        "PractitionerRole:practitioner",
        "PractitionerRole:organization",
        "PractitionerRole:location",
        "PractitionerRole:network",
        "PractitionerRole:service",
    ),
    "Organization": ("Organization:partof",),
    "OrganizationAffiliation": (
        "OrganizationAffiliation:primary-organization",
        "OrganizationAffiliation:participating-organization",
        "OrganizationAffiliation:network",
    ),
}

# Result parameters every search accepts (besides each type's own).
RESULT_PARAMS = ("_count", "_include", "_cursor", "_format", "_total")
# FHIR's `_total`: "estimate" (the default here: exact up to TOTAL_CAP matches, none past it),
# "accurate" (always counted) or "none" (not counted: one query fewer).
TOTAL_MODES = ("none", "estimate", "accurate")
# A searchset's `total` by default, as the HTML directory counts its pages: exact up to this many
# matches, left out past it (FHIR makes it optional) unless `_total=accurate` asks. Counting every
# live role at 100,000 providers took 230 ms of a 320 ms page; a count stopped at 1,001 rows is
# a few milliseconds whatever the size. Full pulls follow the `next` links, not the total.
TOTAL_CAP = 1000

_JSON_FORMATS = {"json", codes.FHIR_JSON, "application/json"}


@dataclass(frozen=True)
class LastUpdated:
    """One `_lastUpdated` condition as a half-open comparison on the instant: `>= ge`, `< lt`."""

    ge: datetime | None = None
    lt: datetime | None = None


@dataclass(frozen=True)
class Cursor:
    after: bool  # True: the page after `key`; False: the page before it
    key: tuple[int, ...]
    text: str  # what came in, to echo in the self link


@dataclass(frozen=True)
class SearchParams:
    resource_type: str
    criteria: tuple[tuple[str, tuple], ...] = ()  # (name, parsed values: any of), each ANDed
    last_updated: tuple[LastUpdated, ...] = ()
    count: int = DEFAULT_COUNT
    cursor: Cursor | None = None
    includes: frozenset[str] = field(default_factory=frozenset)
    warnings: tuple[str, ...] = ()
    total: str = "estimate"

    def values(self, name: str) -> list[tuple]:
        return [values for criterion, values in self.criteria if criterion == name]


# ---------------------------------------------------------------------------------------------
# Values

_DATE = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?P<f>\.\d{1,6})?)?(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?"
)
_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap")


def parse_fhir_date(text: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """A FHIR date or dateTime as the range [start, end) its precision covers. A day (or a month,
    a year) is read in the company's time zone; a time of day must carry its zone."""
    found = _DATE.fullmatch(text)
    if not found:
        raise ValueError(text)
    year, month, day = int(found["y"]), int(found["m"] or 1), int(found["d"] or 1)
    if found["H"] is None:
        start_day = date(year, month, day)
        if found["d"]:
            end_day = start_day + timedelta(days=1)
        elif found["m"]:
            end_day = date(year + month // 12, month % 12 + 1, 1)
        else:
            end_day = date(year + 1, 1, 1)
        return (
            datetime.combine(start_day, datetime.min.time(), tzinfo=zone),
            datetime.combine(end_day, datetime.min.time(), tzinfo=zone),
        )
    if not found["tz"]:
        raise ValueError(text)
    iso = text.replace("Z", "+00:00")
    start = datetime.fromisoformat(iso)
    if found["f"]:
        step = timedelta(microseconds=10 ** (6 - len(found["f"]) + 1))
    elif found["S"]:
        step = timedelta(seconds=1)
    else:
        step = timedelta(minutes=1)
    return start, start + step


def _last_updated(value: str, zone: ZoneInfo) -> LastUpdated:
    prefix, rest = (value[:2], value[2:]) if value[:2] in _PREFIXES else ("eq", value)
    if prefix in {"ne", "ap"}:
        raise SearchError(
            "not-supported", f"_lastUpdated: the prefix '{prefix}' is not supported", "_lastUpdated"
        )
    try:
        start, end = parse_fhir_date(rest, zone)
    except OverflowError:
        # A valid date whose range ends past year 9999 (e.g. 9999-12-31): Python cannot hold it.
        raise SearchError(
            "invalid", f"_lastUpdated: '{value}' is past the last date this server handles", "_lastUpdated"
        ) from None
    except ValueError:
        raise SearchError(
            "invalid",
            f"_lastUpdated: '{value}' is not a FHIR date or dateTime with a time zone "
            "(e.g. ge2026-12-01 or gt2026-12-01T09:30:00Z)",
            "_lastUpdated",
        ) from None
    return {
        "eq": LastUpdated(ge=start, lt=end),
        "gt": LastUpdated(ge=end),
        "sa": LastUpdated(ge=end),
        "ge": LastUpdated(ge=start),
        "lt": LastUpdated(lt=start),
        "eb": LastUpdated(lt=start),
        "le": LastUpdated(lt=end),
    }[prefix]


def _count(value: str) -> tuple[int, str | None]:
    if not re.fullmatch(r"\d{1,9}", value):
        raise SearchError(
            "invalid", f"_count: '{value}' is not a whole number from 0 to {MAX_COUNT}", "_count"
        )
    asked = int(value)
    if asked > MAX_COUNT:
        return MAX_COUNT, f"_count {asked} is more than the most a page holds: capped at {MAX_COUNT}"
    return asked, None


# How many numbers a type's page key holds (fhirapi.selectors): (profile, payer) for roles,
# (profile, mode rank) for services, one position or id for the others.
_CURSOR_KEY_PARTS = {"PractitionerRole": 2, "HealthcareService": 2}


def _cursor(resource_type: str, value: str) -> Cursor:
    found = re.fullmatch(r"(a|b)((?:\.\d{1,18}){1,2})", value)
    # A key of another type's length (an edited cursor, or one from another search) would be
    # read past its end by the keyset filter: refused here, before any query.
    if not found or found[2].count(".") != _CURSOR_KEY_PARTS.get(resource_type, 1):
        raise SearchError(
            "invalid", "_cursor: not a cursor this server gave (follow the Bundle's links)", "_cursor"
        )
    key = tuple(int(part) for part in found[2].split(".")[1:])
    return Cursor(after=found[1] == "a", key=key, text=value)


def cursor_text(after: bool, key: tuple[int, ...]) -> str:
    return ("a" if after else "b") + "".join(f".{part}" for part in key)


def _license_types(value: str) -> tuple[str, ...]:
    """The licence types whose NUCC code a `specialty` token names (none for another system)."""
    system, _, code = value.rpartition("|")
    if "|" in value and system not in {"", codes.NUCC_SYSTEM}:
        return ()
    return tuple(lt for lt, taxonomy in codes.LICENSE_TAXONOMY.items() if taxonomy[0] == code)


def _network(value: str) -> int:
    pk = ids.parse_network(value)
    if pk is None:
        raise SearchError(
            "invalid", f"network: '{value}' is not a network reference (Organization/network-<n>)", "network"
        )
    return pk


def _practitioner(value: str) -> int:
    pk = ids.parse_profile(value)
    if pk is None:
        raise SearchError(
            "invalid", f"practitioner: '{value}' is not a Practitioner reference", "practitioner"
        )
    return pk


def _text(value: str) -> str:
    text = value.strip()
    if not text:
        raise SearchError("invalid", "an empty string matches nothing: leave the parameter out", None)
    if "\x00" in text:
        # PostgreSQL refuses a NUL in any text it is sent: the query would fail as a 500.
        raise SearchError("invalid", "a string value cannot hold a NUL character", None)
    return text


def _states(parts: list[str]) -> tuple:
    return tuple(_text(part).upper() for part in parts)


def _last_segment(parts: list[str]) -> tuple:
    """`Organization/alma`, `alma` or `system|code` -> `alma` / `code`."""
    return tuple(part.rsplit("/", 1)[-1].rpartition("|")[2] for part in parts)


# Parameter -> parser of its comma-separated values (any of); strings otherwise.
_VALUE_PARSERS: dict[str, Callable[[list[str]], tuple]] = {
    "_id": tuple,
    "specialty": lambda parts: tuple(lt for part in parts for lt in _license_types(part)),
    "network": lambda parts: tuple(_network(part) for part in parts),
    "practitioner": lambda parts: tuple(_practitioner(part) for part in parts),
    "organization": _last_segment,
    "partof": _last_segment,
    "type": _last_segment,
    "location.address-state": _states,
    "address-state": _states,
}


def _parse_value(name: str, value: str) -> tuple:
    """The values (any of, comma-separated) of one parameter, parsed for the selector."""
    parts = [part for part in value.split(",") if part != ""]
    if not parts:
        raise SearchError("invalid", f"{name}: no value given", name)
    parser = _VALUE_PARSERS.get(name, lambda parts: tuple(_text(part) for part in parts))
    return parser(parts)


@dataclass
class _Result:
    """The result parameters as they are read."""

    count: int = DEFAULT_COUNT
    cursor: Cursor | None = None
    includes: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    total: str = "estimate"


def _result_param(resource_type: str, name: str, value: str, result: _Result) -> None:
    if name == "_count":
        result.count, warning = _count(value)
        if warning:
            result.warnings.append(warning)
    elif name == "_cursor":
        result.cursor = _cursor(resource_type, value)
    elif name == "_total":
        if value not in TOTAL_MODES:
            modes = ", ".join(TOTAL_MODES)
            raise SearchError("invalid", f"_total: '{value}' is not one of {modes}", "_total")
        result.total = value
    elif name == "_format":
        if value not in _JSON_FORMATS:
            raise SearchError("not-supported", f"_format: only JSON is served, not '{value}'", "_format")
    elif value in INCLUDES.get(resource_type, ()):  # _include
        result.includes.add(value)
    else:
        allowed = ", ".join(INCLUDES.get(resource_type, ())) or "none"
        raise SearchError(
            "not-supported", f"_include: '{value}' is not supported (supported: {allowed})", "_include"
        )


def _check_name(resource_type: str, name: str, accepted: set[str]) -> None:
    if ":" in name and name.split(":", 1)[0] in accepted:
        raise SearchError("not-supported", f"'{name}': search modifiers are not supported", name)
    if name not in accepted and name not in RESULT_PARAMS:
        known = ", ".join(sorted(accepted | set(RESULT_PARAMS)))
        raise SearchError(
            "not-supported",
            f"'{name}' is not a search parameter of {resource_type} here (known: {known})",
            name,
        )


def parse(resource_type: str, query: dict[str, list[str]], *, zone: ZoneInfo) -> SearchParams:
    """The query string (name -> values, as QueryDict.lists() gives) as SearchParams, or a
    SearchError for the first thing wrong with it."""
    accepted = {param.name for param in SEARCH_PARAMS[resource_type]}
    criteria: list[tuple[str, tuple]] = []
    last_updated: list[LastUpdated] = []
    result = _Result()
    for name, values in query.items():
        _check_name(resource_type, name, accepted)
        for value in values:
            if name in RESULT_PARAMS:
                _result_param(resource_type, name, value, result)
            elif name == "_lastUpdated":
                last_updated.append(_last_updated(value, zone))
            else:
                criteria.append((name, _parse_value(name, value)))
    return SearchParams(
        resource_type=resource_type,
        criteria=tuple(criteria),
        last_updated=tuple(last_updated),
        count=result.count,
        cursor=result.cursor,
        includes=frozenset(result.includes),
        warnings=tuple(result.warnings),
        total=result.total,
    )
