"""Reads of exclusion monitoring for the layers above (verification's file, portal's SLA board)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from alma.timekeeping import company_calendar
from exclusions import sources
from exclusions.models import CaseStatus, ExclusionCase, ExclusionCheck, ExclusionImport, ExclusionRun
from onboarding.models import Provider

# An open case is a promise: staff decide it within this many business days of its opening.
CASE_DECISION_BUSINESS_DAYS = 5
# A source's latest full file is at most this many days old by its file date (the LEIE and SAM
# publish monthly; a few days' slack for the download and the import).
LIST_FRESH_DAYS = 35


@dataclass(frozen=True)
class Screening:
    """The provider's latest check against one exclusion list, for the credentialing file."""

    source_label: str  # "OIG LEIE", "SAM exclusions"
    checked_on: date | None  # the latest run that included this provider; None: never checked
    open_case: bool  # a possible match not yet cleared or confirmed
    confirmed: bool  # a confirmed match: the provider is excluded


def screenings(provider: Provider) -> list[Screening]:
    """One Screening per exclusion source, in the registry's order. Two queries."""
    checked = dict(
        ExclusionCheck.objects.filter(provider=provider)
        .values("run__source")
        .annotate(last=Max("run__ran_at"))
        .values_list("run__source", "last")
    )
    cases = set(
        ExclusionCase.objects.filter(provider=provider)
        .exclude(status=CaseStatus.CLEARED)
        .values_list("source", "status")
        .distinct()
    )
    return [
        Screening(
            source_label=source.label,
            checked_on=timezone.localdate(checked[key]) if key in checked else None,
            open_case=(key, CaseStatus.OPEN) in cases,
            confirmed=(key, CaseStatus.CONFIRMED) in cases,
        )
        for key, source in sources.SOURCES.items()
    ]


def active_providers() -> QuerySet[Provider]:
    """Whom the monthly run checks: every provider who has submitted the Insurance Form (it
    holds the date of birth and the NPI) and has not been offboarded (the directory marks that
    on the profile: DirectoryProfile.offboarded_at)."""
    return Provider.objects.filter(insurance_form__submitted_at__isnull=False).exclude(
        directory_profile__offboarded_at__isnull=False
    )


@dataclass(frozen=True)
class LatestList:
    """A source's latest list: its last full file and the supplements imported after it."""

    full: ExclusionImport
    import_ids: list[int]
    latest_imported_at: datetime


def latest_list(source: str) -> LatestList | None:
    """None until a full file of the source has been imported. One query."""
    imports = list(
        ExclusionImport.objects.filter(source=source).order_by("-file_date", "-imported_at", "-pk")
    )
    full = next((row for row in imports if row.kind == ExclusionImport.Kind.FULL), None)
    if full is None:
        return None
    after = [
        row
        for row in imports
        if row.kind == ExclusionImport.Kind.SUPPLEMENT
        and (row.file_date, row.imported_at) >= (full.file_date, full.imported_at)
    ]
    included = [full, *after]
    return LatestList(
        full=full,
        import_ids=sorted(row.pk for row in included),
        latest_imported_at=max(row.imported_at for row in included),
    )


def last_full_import(source: str) -> ExclusionImport | None:
    return (
        ExclusionImport.objects.filter(source=source, kind=ExclusionImport.Kind.FULL)
        .order_by("-file_date", "-imported_at", "-pk")
        .first()
    )


def month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def matched_this_month(source: str, *, now: datetime, since: datetime) -> bool:
    """Whether every active provider was matched this month against a list imported by `since`."""
    start = max(month_start(now), since)
    return ExclusionRun.objects.filter(source=source, provider__isnull=True, ran_at__gte=start).exists()


@dataclass(frozen=True)
class MissedMonth:
    """A source with no run of every provider in the current month (an SLA promise broken)."""

    source_label: str
    last_run_at: datetime | None
    due_at: datetime  # the start of the month: the promise is broken since then


@dataclass(frozen=True)
class StaleList:
    """A source whose latest full file is older than LIST_FRESH_DAYS by its file date: matching
    again against it checks nothing new (an SLA promise, at risk and then broken)."""

    source_label: str
    file_date: date
    due_at: datetime  # the start of the day the file is LIST_FRESH_DAYS + 1 days old


@dataclass(frozen=True)
class WaitingCase:
    case: ExclusionCase
    due_at: datetime


def sla_exclusions(now: datetime) -> tuple[list[MissedMonth], list[StaleList], list[WaitingCase]]:
    """What the SLA board shows of exclusion monitoring: each source not run this month, each
    source's latest full file with the day it goes stale (LIST_FRESH_DAYS after its file date;
    the board lists it when at risk or broken), and the open cases with their decision due date
    (CASE_DECISION_BUSINESS_DAYS after opening). Two queries."""
    # One query for both: a run always reads its source's full file (ExclusionRun.list_import),
    # so a source's runs are the runs of its full files.
    latest = {
        row["source"]: row
        for row in ExclusionImport.objects.filter(kind=ExclusionImport.Kind.FULL)
        .values("source")
        .annotate(
            latest_file=Max("file_date"),
            last_run=Max("runs__ran_at", filter=Q(runs__provider__isnull=True)),
        )
        .order_by("source")
    }
    last_runs = {key: row["last_run"] for key, row in latest.items()}
    start = month_start(now)
    missed = [
        MissedMonth(source.label, last_runs.get(key), start)
        for key, source in sources.SOURCES.items()
        if last_runs.get(key) is None or last_runs[key] < start
    ]
    zone = timezone.get_current_timezone()
    stale = [
        StaleList(
            source.label,
            latest[key]["latest_file"],
            datetime.combine(
                latest[key]["latest_file"] + timedelta(days=LIST_FRESH_DAYS + 1), time.min, tzinfo=zone
            ),
        )
        for key, source in sources.SOURCES.items()
        if key in latest
    ]
    calendar = company_calendar()
    waiting = [
        WaitingCase(case, calendar.add_business_days(case.opened_at, CASE_DECISION_BUSINESS_DAYS))
        for case in ExclusionCase.objects.filter(status=CaseStatus.OPEN)
        .select_related("provider")
        .order_by("opened_at", "pk")
    ]
    return missed, stale, waiting


# --- the provider's exclusion-check history, for the credentialing file's export ---------------


@dataclass(frozen=True)
class ScreeningRun:
    """One run that included the provider, with the list file it read."""

    source: str
    source_label: str
    ran_at: datetime
    trigger: str
    file_date: date  # the full file of the latest list (its later supplements came with it)
    file_name: str
    file_sha256: str
    providers_checked: int
    possible_matches: int


@dataclass(frozen=True)
class ScreeningCase:
    """One possible match of the provider, with the list row and what staff decided."""

    id: int
    source: str
    source_label: str
    entry: str  # the list row as staff read it ("List: LEIE; Name: ...; NPI: ...")
    matched_on: str
    status: str
    status_label: str
    opened_at: datetime
    decided_by: str
    decided_at: datetime | None
    reason: str


def _source_label(key: str) -> str:
    found = sources.SOURCES.get(key)
    return found.label if found is not None else key.upper()


def screening_history(provider: Provider) -> tuple[list[ScreeningRun], list[ScreeningCase]]:
    """Every run that checked the provider (oldest first) and every case opened for them, with
    its decision. Two queries, whatever the number of runs and cases."""
    checks = (
        ExclusionCheck.objects.filter(provider=provider)
        .select_related("run__list_import")
        .order_by("run__ran_at", "run__pk")
    )
    runs = [
        ScreeningRun(
            source=check.run.source,
            source_label=_source_label(check.run.source),
            ran_at=check.run.ran_at,
            trigger=check.run.trigger,
            file_date=check.run.list_import.file_date,
            file_name=check.run.list_import.file_name,
            file_sha256=check.run.list_import.sha256,
            providers_checked=check.run.providers_checked,
            possible_matches=check.run.possible_matches,
        )
        for check in checks
    ]
    found = ExclusionCase.objects.filter(provider=provider).select_related("entry", "decided_by")
    cases = [
        ScreeningCase(
            id=case.pk,
            source=case.source,
            source_label=_source_label(case.source),
            entry="; ".join(f"{label}: {value}" for label, value in case.entry.evidence),
            matched_on=case.matched_on,
            status=case.status,
            status_label=case.get_status_display(),
            opened_at=case.opened_at,
            decided_by=case.decided_by.email if case.decided_by is not None else "",
            decided_at=case.decided_at,
            reason=case.reason,
        )
        for case in found.order_by("opened_at", "pk")
    ]
    return runs, cases
