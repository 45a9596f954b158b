"""The exclusion lists the portal reads, one parser each, in a registry keyed by source.

A parser turns one CSV file into ExclusionEntry field values, row by row (the file is streamed,
never held whole), and refuses a file that is not what it claims to be: a wrong header, a row
with the wrong number of columns (a file cut short mid-row), a file that does not end with a
line break (cut short at a field), or no rows at all. A state Medicaid list is added by writing
its parser and calling `register(...)` in an app's ready(); nothing else changes.

- "leie": the OIG's List of Excluded Individuals/Entities (https://oig.hhs.gov/exclusions/
  exclusions_list.asp, "LEIE Downloadable Databases": UPDATED.csv monthly, plus monthly
  supplements of new exclusions and reinstatements). 18 columns; dates yyyymmdd with 00000000
  for none; NPI 0000000000 when unknown (most historic rows).
- "sam": SAM.gov's Exclusions public extract (SAM.gov Data Services, Exclusions). The columns
  read are listed in SAM_COLUMNS; the others are ignored. SAM has no date of birth.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from exclusions.errors import ListRefused, UnknownSource
from exclusions.names import normalised

Row = dict[str, Any]


@dataclass(frozen=True)
class Source:
    key: str
    label: str  # "OIG LEIE": the SLA board, the credentialing file
    # Reads a text stream; yields ExclusionEntry field values (without source and list_import).
    parse: Callable[[io.TextIOBase], Iterator[Row]]


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    if source.key in SOURCES:
        raise ValueError(f"Exclusion source {source.key!r} is already registered")
    SOURCES[source.key] = source


def source(key: str) -> Source:
    try:
        return SOURCES[key]
    except KeyError:
        known = ", ".join(sorted(SOURCES))
        raise UnknownSource(f"No exclusion list is called {key!r}; the known ones are {known}.") from None


# ---------------------------------------------------------------------------------------------
# Shared reading


def entry_key(*parts: object) -> str:
    """The row's identity across files: the same person on next month's list, the same key."""
    text = "\x1f".join("" if part is None else str(part).strip().upper() for part in parts)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _records(stream: io.TextIOBase, expected: list[str], *, aliases: dict[str, str]) -> Iterator[dict]:
    """The rows of a CSV as dicts keyed by the expected header, each checked for its width."""
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ListRefused("The file is empty: not even a header line.") from None
    except csv.Error as error:
        raise ListRefused(f"The file is not a readable CSV ({error}).") from None
    header = [aliases.get(name.strip().lstrip("\ufeff"), name.strip().lstrip("\ufeff")) for name in header]
    if header != expected:
        missing = [name for name in expected if name not in header]
        extra = [name for name in header if name not in expected]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
                "the columns are in another order" if not missing and not extra else "",
            )
            if part
        )
        raise ListRefused(f"The header is not the expected one ({detail}). Nothing was imported.")
    width = len(expected)
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not values:
                continue
            if len(values) != width:
                raise ListRefused(
                    f"Line {line} has {len(values)} columns instead of {width}: the file looks cut "
                    "short or damaged. Download it again. Nothing was imported."
                )
            yield dict(zip(expected, (value.strip() for value in values), strict=True))
    except csv.Error as error:
        raise ListRefused(
            f"Line {reader.line_num} cannot be read ({error}): the file looks cut short. "
            "Nothing was imported."
        ) from None


def _yyyymmdd(value: str, column: str) -> date | None:
    if not value or set(value) == {"0"}:
        return None
    try:
        # Sliced rather than strptime'd: five times faster on an 80,000-row file.
        if len(value) != 8 or not value.isdigit():
            raise ValueError(value)
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ListRefused(f"{column} {value!r} is not a yyyymmdd date. Nothing was imported.") from None


def _us_date(value: str, column: str) -> date | None:
    if not value or value.casefold() in {"indefinite", "n/a", "na", "none"}:
        return None
    for pattern in ("%m/%d/%Y", "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ListRefused(f"{column} {value!r} is not a date (MM/DD/YYYY). Nothing was imported.")


def real_npi(value: str) -> str:
    digits = value.strip()
    if len(digits) != 10 or not digits.isdigit() or set(digits) == {"0"}:
        return ""  # 0000000000 is the LEIE's "unknown": it never matches anyone
    return digits


# ---------------------------------------------------------------------------------------------
# OIG LEIE

LEIE_COLUMNS = [
    *("LASTNAME", "FIRSTNAME", "MIDNAME", "BUSNAME", "GENERAL", "SPECIALTY", "UPIN", "NPI", "DOB"),
    *("ADDRESS", "CITY", "STATE", "ZIP", "EXCLTYPE", "EXCLDATE", "REINDATE", "WAIVERDATE", "WVRSTATE"),
]


def parse_leie(stream: io.TextIOBase) -> Iterator[Row]:
    for record in _records(stream, LEIE_COLUMNS, aliases={"WAIVERSTATE": "WVRSTATE"}):
        dob = _yyyymmdd(record["DOB"], "DOB")
        excl_date = _yyyymmdd(record["EXCLDATE"], "EXCLDATE")
        npi = real_npi(record["NPI"])
        yield {
            "entry_key": entry_key(
                "leie",
                record["LASTNAME"],
                record["FIRSTNAME"],
                record["MIDNAME"],
                record["BUSNAME"],
                npi,
                dob,
                record["EXCLTYPE"],
                excl_date,
                record["STATE"],
            ),
            "last_name": record["LASTNAME"][:100],
            "first_name": record["FIRSTNAME"][:100],
            "middle_name": record["MIDNAME"][:100],
            "business_name": record["BUSNAME"][:200],
            "general": record["GENERAL"][:100],
            "specialty": record["SPECIALTY"][:100],
            "npi": npi,
            "dob": dob,
            "address": record["ADDRESS"][:200],
            "city": record["CITY"][:100],
            "state": record["STATE"][:2].upper(),
            "zip_code": record["ZIP"][:10],
            "excl_type": record["EXCLTYPE"][:100],
            "excl_date": excl_date,
            "reinstated_on": _yyyymmdd(record["REINDATE"], "REINDATE"),
            "waiver_date": _yyyymmdd(record["WAIVERDATE"], "WAIVERDATE"),
            "waiver_state": record["WVRSTATE"][:2].upper(),
            "last_norm": normalised(record["LASTNAME"])[:100],
            "first_norm": normalised(record["FIRSTNAME"])[:100],
        }


# ---------------------------------------------------------------------------------------------
# SAM.gov exclusions public extract

SAM_ALL_COLUMNS = [
    *("Classification", "Name", "Prefix", "First", "Middle", "Last", "Suffix"),
    *("Address 1", "Address 2", "Address 3", "Address 4", "City", "State / Province", "Country"),
    *("Zip Code", "Open Data Flag", "Blank (Deprecated)", "Unique Entity ID", "Exclusion Program"),
    *("Excluding Agency", "CT Code", "Exclusion Type", "Additional Comments", "Active Date"),
    *("Termination Date", "Record Status", "Cross-Reference", "SAM Number", "CAGE", "NPI", "Creation_Date"),
]
# What the portal reads of it (the rest stays in the file).
SAM_COLUMNS = (
    *("Classification", "Name", "First", "Middle", "Last", "Address 1", "City", "State / Province"),
    *("Zip Code", "Exclusion Program", "Excluding Agency", "Exclusion Type", "Active Date"),
    *("Termination Date", "SAM Number", "NPI"),
)
# Older extracts name two columns differently.
SAM_ALIASES = {"DUNS": "Unique Entity ID", "State": "State / Province"}


def parse_sam(stream: io.TextIOBase) -> Iterator[Row]:
    for record in _records(stream, SAM_ALL_COLUMNS, aliases=SAM_ALIASES):
        individual = record["Classification"].casefold() == "individual"
        npi = real_npi(record["NPI"])
        active = _us_date(record["Active Date"], "Active Date")
        identity = record["SAM Number"] or "|".join(
            (record["Name"], record["First"], record["Last"], record["Active Date"], record["Exclusion Type"])
        )
        yield {
            "entry_key": entry_key("sam", identity),
            "last_name": record["Last"][:100],
            "first_name": record["First"][:100],
            "middle_name": record["Middle"][:100],
            "business_name": "" if individual else record["Name"][:200],
            "general": record["Excluding Agency"][:100],
            "specialty": record["Exclusion Program"][:100],
            "npi": npi,
            "dob": None,
            "address": record["Address 1"][:200],
            "city": record["City"][:100],
            "state": record["State / Province"][:2].upper(),
            "zip_code": record["Zip Code"][:10],
            "excl_type": record["Exclusion Type"][:100],
            "excl_date": active,
            "reinstated_on": _us_date(record["Termination Date"], "Termination Date"),
            "waiver_date": None,
            "waiver_state": "",
            "last_norm": normalised(record["Last"])[:100] if individual else "",
            "first_norm": normalised(record["First"])[:100] if individual else "",
        }


register(Source("leie", "OIG LEIE", parse_leie))
register(Source("sam", "SAM exclusions", parse_sam))
