"""Matching providers against one exclusion list, in SQL: five statements whatever the list's size.

The rules (README, "Exclusion monitoring"):

- **By NPI** when both the list row and the provider have a real one (10 digits; the LEIE's
  0000000000 is "unknown" and is stored blank, so it never matches by NPI). When both have one,
  the NPI decides: a different NPI is a different person.
- **Otherwise by name**: the normalised last and first names (exclusions.names), and
  - the date of birth when the list row has one (LEIE), plus the state when both have one;
    a provider with no date of birth on file (an Insurance Form submitted before it was asked)
    is a possible match on the name (and the state when both have one) for staff to decide,
    matched_on NAME_NO_DOB: never silently counted as checked and clear;
  - the state when the list row has no date of birth (SAM's extract carries none): both must
    have a state and it must be the same.
- A row with a reinstatement date matches like any other: reinstatement closes nothing by
  itself, and an open case stays open until staff decide it.

One (provider, row) pair is one possible match; a case is opened for each pair that has none
yet (ExclusionCase is unique per provider, source and entry_key), in one INSERT ... SELECT with
ON CONFLICT DO NOTHING, which PostgreSQL and SQLite both run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from exclusions.models import (
    CaseStatus,
    ExclusionCase,
    ExclusionCaseEvent,
    ExclusionCheck,
    ExclusionEntry,
    ExclusionSubject,
)

# matched_on of a name match where the list row has a date of birth and the provider's form has
# none (Insurance Forms submitted before it was asked): staff compare the row with the provider.
NAME_NO_DOB = "name, no date of birth on file"


@dataclass(frozen=True)
class Counts:
    providers_checked: int
    possible_matches: int
    new_cases: int


def _matches_sql(import_ids: list[int], provider_id: int | None) -> tuple[str, list]:
    """(provider_id, entry_id, entry_key, matched_on) of every possible match, one row per pair."""
    entry, subject = ExclusionEntry._meta.db_table, ExclusionSubject._meta.db_table
    imports = ", ".join(["%s"] * len(import_ids))
    only = " AND s.provider_id = %s" if provider_id is not None else ""
    one = [provider_id] if provider_id is not None else []
    sql = f"""
        SELECT s.provider_id, e.id AS entry_id, e.entry_key, 'npi' AS matched_on
          FROM {subject} s JOIN {entry} e ON e.npi = s.npi
         WHERE s.npi <> '' AND e.npi <> '' AND e.list_import_id IN ({imports}){only}
        UNION
        SELECT s.provider_id, e.id, e.entry_key,
               CASE WHEN e.dob IS NOT NULL AND s.dob IS NULL THEN '{NAME_NO_DOB}' ELSE 'name' END
          FROM {subject} s JOIN {entry} e ON e.last_norm = s.last_norm AND e.first_norm = s.first_norm
         WHERE e.last_norm <> '' AND e.first_norm <> '' AND (e.npi = '' OR s.npi = '')
           AND e.list_import_id IN ({imports}){only}
           AND (
                (e.dob IS NOT NULL AND (e.dob = s.dob OR s.dob IS NULL)
                 AND (e.state = '' OR s.state = '' OR e.state = s.state))
             OR (e.dob IS NULL AND e.state <> '' AND e.state = s.state)
           )
    """  # noqa: S608 - table names from the models, values as parameters
    return sql, [*import_ids, *one, *import_ids, *one]


def match(
    *, run_id: int, source: str, import_ids: list[int], provider_id: int | None, now: datetime, note: str
) -> Counts:
    """Record who the run checked, count the possible matches, open a case for each new one
    (with its "opened" event). Runs inside the caller's transaction."""
    subject, check = ExclusionSubject._meta.db_table, ExclusionCheck._meta.db_table
    case, event = ExclusionCase._meta.db_table, ExclusionCaseEvent._meta.db_table
    matches, params = _matches_sql(import_ids, provider_id)
    only = "WHERE provider_id = %s" if provider_id is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {check} (run_id, provider_id) "  # noqa: S608
            f"SELECT DISTINCT %s, provider_id FROM {subject} {only}",
            [run_id, *([provider_id] if provider_id is not None else [])],
        )
        checked = cursor.rowcount
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT DISTINCT provider_id, entry_key FROM ({matches}) m) pairs",  # noqa: S608
            params,
        )
        possible = cursor.fetchone()[0]
        # MIN(): a row repeated in a full file and a later supplement is one match, and the
        # case shows the first of them as evidence.
        cursor.execute(
            f"""
            INSERT INTO {case} (provider_id, source, entry_key, entry_id, run_id, matched_on, status,
                                opened_at, reason, decided_at, decided_by_id)
            SELECT m.provider_id, %s, m.entry_key, MIN(m.entry_id), %s, MIN(m.matched_on), %s,
                   %s, '', NULL, NULL
              FROM ({matches}) m
             WHERE 1 = 1
             GROUP BY m.provider_id, m.entry_key
            ON CONFLICT (provider_id, source, entry_key) DO NOTHING
            """,  # noqa: S608
            [source, run_id, CaseStatus.OPEN, now, *params],
        )
        opened = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {event} (case_id, from_status, to_status, actor_id, note, occurred_at)
            SELECT id, '', %s, NULL, %s, %s FROM {case} WHERE run_id = %s
            """,  # noqa: S608
            [CaseStatus.OPEN, note, now, run_id],
        )
    return Counts(providers_checked=checked, possible_matches=possible, new_cases=opened)
