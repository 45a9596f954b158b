"""Every write of exclusion monitoring: importing a list, matching providers, deciding a case.

Matching (exclusions_run) is set-based: the providers' names, dates of birth, NPIs and states
are normalised in Python into ExclusionSubject rows (one query to read the forms, one DELETE, one
INSERT per SUBJECT_BATCH providers' rows), then every source is matched in a fixed number of SQL
statements whatever the size of its list (exclusions.matching).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from credentialing.services.applications import applications_halt
from directory.errors import DirectoryError
from directory.services import profile_for, profile_hide
from exclusions import emails, matching, selectors, sources
from exclusions.errors import (
    CaseAlreadyDecided,
    CaseNotPermitted,
    ListRefused,
    NoListImported,
    ReasonRequired,
)
from exclusions.models import (
    CaseStatus,
    ExclusionCase,
    ExclusionCaseEvent,
    ExclusionEntry,
    ExclusionImport,
    ExclusionRun,
    ExclusionSubject,
)
from exclusions.names import name_readings
from onboarding.models import Provider
from onboarding.services.outbox import OutgoingEmail, outbox_enqueue_many

ENTRY_BATCH = 5_000
# What a parser gives for each row (exclusions.sources), in the order COPY writes them.
ENTRY_COLUMNS = (
    *("entry_key", "last_name", "first_name", "middle_name", "business_name", "general", "specialty"),
    *("npi", "dob", "address", "city", "state", "zip_code", "excl_type", "excl_date", "reinstated_on"),
    *("waiver_date", "waiver_state", "last_norm", "first_norm"),
)
SUBJECT_BATCH = 5_000
# A full file this much shorter than the last full one is refused without --force: a list of
# everyone excluded only grows slowly, so a sudden drop is a damaged or partial download.
SHORTEST_FULL_FILE = 0.90
# Who may clear or confirm a possible match (checked here as well as in the admin view).
DECIDE_PERMISSION = "exclusions.decide_exclusioncase"


# ---------------------------------------------------------------------------------------------
# Importing a list


class _HashingReader(io.RawIOBase):
    """Reads the file once: hashes every byte, counts them, and keeps the last one."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.last_byte = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self.raw.read(len(buffer))
        if not chunk:
            return 0
        buffer[: len(chunk)] = chunk
        self.sha256.update(chunk)
        self.size += len(chunk)
        self.last_byte = chunk[-1:]
        return len(chunk)


def _entries_write(rows: Iterable[dict], *, source: str, list_import_id: int) -> int:
    """Write the parsed rows as they come; returns how many. PostgreSQL takes them through one
    COPY (the whole file in one statement, about three times faster than INSERTs); elsewhere
    (the SQLite demo) bulk_create in batches of ENTRY_BATCH."""
    if connection.vendor == "postgresql":
        columns = ["source", "list_import_id", *ENTRY_COLUMNS]
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {ExclusionEntry._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row([source, list_import_id, *(row[name] for name in ENTRY_COLUMNS)])
                count += 1
        return count
    count = 0
    batch: list[ExclusionEntry] = []
    for row in rows:
        batch.append(ExclusionEntry(source=source, list_import_id=list_import_id, **row))
        if len(batch) >= ENTRY_BATCH:
            ExclusionEntry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    ExclusionEntry.objects.bulk_create(batch)
    return count + len(batch)


def list_import(
    *,
    source: str,
    path: Path,
    file_date: date,
    supplement: bool = False,
    force: bool = False,
    imported_by: str = "",
    now: datetime | None = None,
) -> ExclusionImport:
    """Read one list file into the database, in one transaction: all of it, or nothing.

    Refused (ListRefused, nothing imported): a wrong header, a row of the wrong width or a last
    line cut short, a file with no rows, the same file again (same SHA-256) and, unless `force`,
    a full file shorter than SHORTEST_FULL_FILE of the last full one."""
    now = now or timezone.now()
    parser = sources.source(source)
    kind = ExclusionImport.Kind.SUPPLEMENT if supplement else ExclusionImport.Kind.FULL
    previous_full = selectors.last_full_import(source)
    with path.open("rb") as raw, transaction.atomic():
        reader = _HashingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(reader), encoding="utf-8-sig", errors="replace", newline="")
        record = ExclusionImport.objects.create(
            source=source,
            kind=kind,
            file_date=file_date,
            file_name=path.name[:255],
            sha256="",
            row_count=0,
            imported_at=now,
            imported_by=imported_by[:150],
            forced=force,
        )
        count = _entries_write(parser.parse(text), source=source, list_import_id=record.pk)
        if reader.size and reader.last_byte not in (b"\n", b"\r"):
            raise ListRefused(
                "The file does not end with a line break: its last line looks cut short. "
                "Download it again. Nothing was imported."
            )
        if count == 0:
            raise ListRefused("The file has a header but no rows. Nothing was imported.")
        digest = reader.sha256.hexdigest()
        again = ExclusionImport.objects.filter(source=source, sha256=digest).first()
        if again is not None and not force:
            raise ListRefused(
                f"This file was already imported on {timezone.localtime(again.imported_at):%Y-%m-%d} "
                f"({again}). Nothing was imported; use --force to import it again."
            )
        if (
            kind == ExclusionImport.Kind.FULL
            and previous_full is not None
            and count < SHORTEST_FULL_FILE * previous_full.row_count
            and not force
        ):
            raise ListRefused(
                f"The file has {count:,} rows, much fewer than the last full list "
                f"({previous_full.row_count:,} rows, {previous_full.file_date:%Y-%m-%d}): it may be "
                "partial. Nothing was imported; "
                "check the download, or use --force if the list really shrank."
            )
        record.sha256, record.row_count = digest, count
        record.save(update_fields=["sha256", "row_count"])
    return record


# ---------------------------------------------------------------------------------------------
# Matching


def subjects_refresh(*, provider_ids: Iterable[int] | None = None) -> int:
    """Rebuild what providers are matched on, from their forms as they are now. Returns the
    number of providers. A fixed number of queries for a given number of providers."""
    providers = selectors.active_providers()
    scope = ExclusionSubject.objects.all()
    if provider_ids is not None:
        ids = list(provider_ids)
        providers = providers.filter(pk__in=ids)
        scope = scope.filter(provider_id__in=ids)
    rows = providers.values_list(
        "pk",
        "legal_name",
        "insurance_form__date_of_birth",
        "insurance_form__npi",
        "general_onboarding__state",
    )
    subjects: list[ExclusionSubject] = []
    seen: set[int] = set()
    for pk, legal_name, dob, typed_npi, state in rows.iterator(chunk_size=SUBJECT_BATCH):
        seen.add(pk)
        npi = sources.real_npi(typed_npi or "")
        readings = name_readings(legal_name) or {("", "")}  # still matched by NPI
        subjects.extend(
            ExclusionSubject(
                provider_id=pk,
                first_norm=first[:100],
                last_norm=last[:100],
                dob=dob,
                npi=npi,
                state=(state or "")[:2],
            )
            for first, last in sorted(readings)
        )
    with transaction.atomic():
        scope.delete()
        # ignore_conflicts: a run for one provider at the same moment may have written them too.
        ExclusionSubject.objects.bulk_create(subjects, batch_size=SUBJECT_BATCH, ignore_conflicts=True)
    return len(seen)


def exclusions_run(
    *, provider: Provider | None = None, trigger: str = "", now: datetime | None = None
) -> list[ExclusionRun]:
    """Match every active provider (or just `provider`) against each source's latest list: one
    ExclusionRun per source that has a list, a case opened for each new possible match."""
    now = now or timezone.now()
    subjects_refresh(provider_ids=None if provider is None else [provider.pk])
    runs = []
    for key in sources.SOURCES:
        latest = selectors.latest_list(key)
        if latest is None:
            continue
        runs.append(source_run(source=key, latest=latest, provider=provider, trigger=trigger, now=now))
    return runs


def source_run(
    *,
    source: str,
    latest: selectors.LatestList | None = None,
    provider: Provider | None = None,
    trigger: str = "",
    now: datetime | None = None,
) -> ExclusionRun:
    """One source's run over the subjects as they stand (subjects_refresh first)."""
    now = now or timezone.now()
    latest = latest or selectors.latest_list(source)
    if latest is None:
        raise NoListImported(f"No full {sources.source(source).label} list has been imported yet.")
    with transaction.atomic():
        run = ExclusionRun.objects.create(
            source=source, list_import=latest.full, provider=provider, trigger=trigger[:60], ran_at=now
        )
        counts = matching.match(
            run_id=run.pk,
            source=source,
            import_ids=latest.import_ids,
            provider_id=None if provider is None else provider.pk,
            now=now,
            note=f"Possible match found by the {sources.source(source).label} check of {now:%Y-%m-%d}.",
        )
        run.providers_checked = counts.providers_checked
        run.possible_matches = counts.possible_matches
        run.new_cases = counts.new_cases
        run.save(update_fields=["providers_checked", "possible_matches", "new_cases"])
    return run


def monthly_runs_due(*, now: datetime | None = None) -> list[str]:
    """The sources whose latest list has not yet been matched against every provider this
    month (the beat job's sweep runs these and nothing else)."""
    now = now or timezone.now()
    due = []
    for key in sources.SOURCES:
        latest = selectors.latest_list(key)
        if latest is not None and not selectors.matched_this_month(
            key, now=now, since=latest.latest_imported_at
        ):
            due.append(key)
    return due


def exclusions_monthly_run(*, now: datetime | None = None) -> list[ExclusionRun]:
    """The beat job: every active provider against each source's latest list, once a month and
    again when a newer list has been imported since. Running it again does nothing new."""
    now = now or timezone.now()
    due = monthly_runs_due(now=now)
    if not due:
        return []
    subjects_refresh()
    runs = []
    for key in due:
        with transaction.atomic():
            latest = selectors.latest_list(key)
            if latest is None:
                continue
            # Two sweeps at once (a retried beat, two workers): the second waits here for the
            # first to commit, then finds this month's run and does nothing.
            ExclusionImport.objects.select_for_update().filter(pk=latest.full.pk).first()
            if selectors.matched_this_month(key, now=now, since=latest.latest_imported_at):
                continue
            runs.append(source_run(source=key, latest=latest, trigger="monthly check", now=now))
    return runs


# ---------------------------------------------------------------------------------------------
# Deciding a case


@dataclass(frozen=True)
class Confirmation:
    case: ExclusionCase
    profile_hidden: bool
    applications_halted: int


def _locked_open(case: ExclusionCase) -> ExclusionCase:
    locked = ExclusionCase.objects.select_for_update().select_related("provider", "entry").get(pk=case.pk)
    if locked.status != CaseStatus.OPEN:
        raise CaseAlreadyDecided(f"This case was already decided ({locked.get_status_display()}).")
    return locked


def _permitted(actor: User | None) -> None:
    """actor None is the system (tests, scripts): no person to check. A person needs the permission."""
    if actor is not None and not actor.has_perm(DECIDE_PERMISSION):
        raise CaseNotPermitted("Only credentialing staff may clear or confirm a possible exclusion match.")


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(f"Say why you {what}; it is kept in the case's history.")
    return reason


def _decide(
    case: ExclusionCase, *, to_status: str, actor: User | None, reason: str, now: datetime, note: str
) -> None:
    from_status = case.status
    case.status, case.decided_by, case.decided_at, case.reason = to_status, actor, now, reason
    case.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    ExclusionCaseEvent.objects.create(
        case=case, from_status=from_status, to_status=to_status, actor=actor, note=note, occurred_at=now
    )


def case_clear(
    *, case: ExclusionCase, actor: User | None, reason: str, now: datetime | None = None
) -> ExclusionCase:
    """Staff found the list row is not the provider (another person of the same name, say)."""
    _permitted(actor)
    now = now or timezone.now()
    reason = _reason(reason, "clear this possible match")
    with transaction.atomic():
        locked = _locked_open(case)
        _decide(locked, to_status=CaseStatus.CLEARED, actor=actor, reason=reason, now=now, note=reason)
    return locked


def case_confirm(
    *, case: ExclusionCase, actor: User | None, reason: str, now: datetime | None = None
) -> Confirmation:
    """Staff confirmed the provider is the excluded person. In one transaction: the directory
    profile is hidden (with why), every open payer application is halted, the case's history
    says what was done, and credentialing staff are emailed (through the outbox, on commit)."""
    _permitted(actor)
    now = now or timezone.now()
    reason = _reason(reason, "confirm this match")
    with transaction.atomic():
        locked = _locked_open(case)
        label = sources.source(locked.source).label
        why = f"Confirmed match on the {label} exclusion list: {reason}"
        profile_hidden = False
        try:
            profile = profile_for(locked.provider, now=now)
        except DirectoryError:
            profile = None  # no profile yet (forms not approved): nothing to take down
        if profile is not None and not profile.hidden_by_staff:
            profile_hide(profile=profile, actor=actor, reason=why, now=now)
            profile_hidden = True
        halted = applications_halt(provider=locked.provider, actor=actor, reason=why, now=now)
        done = [
            "directory profile hidden" if profile_hidden else "no directory profile to hide",
            f"{len(halted)} open payer application{'s' if len(halted) != 1 else ''} halted",
        ]
        _decide(
            locked,
            to_status=CaseStatus.CONFIRMED,
            actor=actor,
            reason=reason,
            now=now,
            note=f"{reason} ({'; '.join(done)}).",
        )
        outbox_enqueue_many(
            emails=[
                OutgoingEmail(
                    provider_id=locked.provider_id,
                    to_email=settings.CREDENTIALING_TEAM_EMAIL,
                    kind=emails.EXCLUSION_CONFIRMED,
                    key=f"case-{locked.pk}",
                    context={
                        "list": label,
                        "entry": str(locked.entry),
                        "reason": reason,
                        "done": done,
                        "halted": [str(application.payer) for application in halted],
                    },
                )
            ],
            now=now,
        )
    return Confirmation(locked, profile_hidden, len(halted))
