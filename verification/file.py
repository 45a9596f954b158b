"""The credentialing file of one provider: what must be verified, and what has been.

The required items come from the Insurance Form (credentialing's selector): each state licence,
the DEA registration and the board certification (prescribers only), the highest education (the
latest graduation), the liability insurance, the malpractice-claims history (one NPDB query per
provider), and one check per federal exclusion list (exclusions.selectors.screenings).

For each PSV item the latest primary-source verification of that credential counts: the one
with the latest `verified_on` (ties: the one recorded last). Verifications are append-only, so
a newer one supersedes an older one and both stay as the history. A latest result of
"discrepancy" or "not found" is a problem, not a verification. The NPPES look-up
(NpiRegistryCheck) counts for nothing here: NCQA does not accept it as a primary source.

Set-based: the Insurance Form with its licences and education (3 queries) and every
verification of the provider with its verifier (1 query), whatever the number of licences,
plus what the exclusions selector costs.
"""

from dataclasses import dataclass
from datetime import date

from credentialing.selectors import insurance_form_with_rows
from exclusions.selectors import Screening, screenings
from onboarding.models import Provider, ReviewStatus
from verification.models import PrimarySourceVerification, VerificationResult, VerifiedItem
from verification.readiness import FileItem, FileReadiness, ItemReadiness, file_readiness

KEY_LENGTH = PrimarySourceVerification._meta.get_field("item_key").max_length or 80
MALPRACTICE_KEY = "npdb"

PROBLEMS = {
    VerificationResult.DISCREPANCY: "the source's record differs from what the provider stated",
    VerificationResult.NOT_FOUND: "the source has no such record",
}


@dataclass(frozen=True)
class FileEntry:
    """One required item with what the page shows about it.

    `kind` and `item_key` name the credential a verification is recorded against (None for an
    exclusion check, which the exclusions part records); `latest` is its latest verification of
    any result; `screening` is the exclusion check's latest state."""

    item: FileItem
    kind: VerifiedItem | None
    item_key: str
    latest: PrimarySourceVerification | None = None
    screening: Screening | None = None

    @property
    def is_psv(self) -> bool:
        return self.kind is not None


def _key(*parts: object) -> str:
    return ":".join(" ".join(str(part).split()).upper() for part in parts)[:KEY_LENGTH]


def credentials(provider: Provider) -> list[tuple[VerifiedItem, str, str]]:
    """(item, item_key, label) of every credential the Insurance Form names, in file order."""
    record = insurance_form_with_rows(provider)
    if record is None or record.status == ReviewStatus.DRAFT:
        return []
    found: list[tuple[VerifiedItem, str, str]] = [
        (
            VerifiedItem.STATE_LICENSE,
            _key(licence.state, licence.number),
            f"{licence.state} {licence.license_type} licence {licence.number}",
        )
        for licence in record.licenses.all()
    ]
    if provider.is_prescriber:
        dea_label = f"DEA registration {record.dea_number or '(number not given)'}"
        found.append((VerifiedItem.DEA, _key(record.dea_number or "none"), dea_label))
        board = ", ".join(part for part in (record.board_specialty, record.board_name) if part)
        found.append(
            (
                VerifiedItem.BOARD_CERTIFICATION,
                _key(record.board_name or "none", record.board_specialty),
                f"Board certification: {board or '(not given)'}",
            )
        )
    # The Education rows are ordered latest graduation first (Education.Meta.ordering).
    highest = next(iter(record.education.all()), None)
    if highest is not None:
        found.append(
            (
                VerifiedItem.EDUCATION,
                _key(highest.degree, highest.institution),
                f"Highest education: {highest.degree}, {highest.institution} ({highest.graduation_date:%Y})",
            )
        )
    else:
        found.append((VerifiedItem.EDUCATION, _key("none"), "Highest education: (not given)"))
    policy = " ".join(part for part in (record.liability_carrier, record.liability_policy_number) if part)
    found.append(
        (
            VerifiedItem.LIABILITY_INSURANCE,
            _key(record.liability_carrier or "none", record.liability_policy_number),
            f"Liability insurance: {policy or '(not given)'}",
        )
    )
    found.append(
        (VerifiedItem.MALPRACTICE_HISTORY, MALPRACTICE_KEY, "Malpractice-claims history (NPDB query)")
    )
    return found


def latest_verifications(provider: Provider) -> dict[tuple[str, str], PrimarySourceVerification]:
    """The latest verification of each (item, item_key) of the provider, in one query."""
    latest: dict[tuple[str, str], PrimarySourceVerification] = {}
    rows = (
        PrimarySourceVerification.objects.filter(provider=provider)
        .select_related("verifier")
        .order_by("item", "item_key", "-verified_on", "-recorded_at", "-pk")
    )
    for row in rows:
        latest.setdefault((row.item, row.item_key), row)
    return latest


def _psv_item(
    kind: VerifiedItem, item_key: str, label: str, latest: PrimarySourceVerification | None
) -> FileItem:
    key = f"{kind.value}:{item_key}"
    if latest is None:
        return FileItem(key=key, label=label, verified_on=None)
    problem = PROBLEMS.get(VerificationResult(latest.result), "")
    if problem:
        problem = f"{problem} (checked on {latest.verified_on:%d %b %Y})"
    return FileItem(key=key, label=label, verified_on=latest.verified_on, problem=problem)


def _screening_item(screening: Screening) -> FileItem:
    if screening.confirmed:
        problem = "a confirmed match: the provider is on this exclusion list"
    elif screening.open_case:
        problem = "a possible match is open; clear or confirm it first"
    else:
        problem = ""
    return FileItem(
        key=f"exclusion:{screening.source_label}",
        label=f"Exclusion check: {screening.source_label}",
        verified_on=screening.checked_on,
        problem=problem,
    )


def file_entries(provider: Provider) -> list[FileEntry]:
    """Every required item of the provider's file with its latest verification, in file order.

    Empty while the Insurance Form is not in (a draft names no credential yet)."""
    credentials_named = credentials(provider)
    if not credentials_named:
        return []
    latest = latest_verifications(provider)
    entries = [
        FileEntry(
            item=_psv_item(kind, item_key, label, latest.get((kind.value, item_key))),
            kind=kind,
            item_key=item_key,
            latest=latest.get((kind.value, item_key)),
        )
        for kind, item_key, label in credentials_named
    ]
    entries.extend(
        FileEntry(item=_screening_item(screening), kind=None, item_key="", screening=screening)
        for screening in screenings(provider)
    )
    return entries


def required_items(provider: Provider) -> list[FileItem]:
    """The file's items for the readiness rule (verification.readiness.file_readiness)."""
    return [entry.item for entry in file_entries(provider)]


def file_readiness_for(provider: Provider, today: date, decision_on: date | None = None) -> FileReadiness:
    """The provider's file readiness on `decision_on` (today when not given)."""
    return file_readiness(required_items(provider), today=today, decision_on=decision_on)


@dataclass(frozen=True)
class FileRow:
    """An entry with its readiness, for the staff file page."""

    entry: FileEntry
    readiness: ItemReadiness


def file_rows(provider: Provider, *, today: date, decision_on: date) -> tuple[FileReadiness, list[FileRow]]:
    entries = file_entries(provider)
    readiness = file_readiness([entry.item for entry in entries], today=today, decision_on=decision_on)
    rows = [FileRow(entry, item) for entry, item in zip(entries, readiness.items, strict=True)]
    return readiness, rows


@dataclass(frozen=True)
class FileSummary:
    """The file in one line, for the provider's page: "5 of 7 items ready, 2 missing"."""

    total: int
    ready_count: int
    missing: int  # never verified
    not_ready: int  # verified, but stale, refuted or with an open exclusion case

    @property
    def ready(self) -> bool:
        return self.total > 0 and self.ready_count == self.total

    def __str__(self) -> str:
        if not self.total:
            return "no items yet, the Insurance Form is not in"
        parts = [f"{self.ready_count} of {self.total} items ready"]
        if self.missing:
            parts.append(f"{self.missing} missing")
        if self.not_ready:
            parts.append(f"{self.not_ready} stale or with a problem")
        return ", ".join(parts)


def file_summary(provider: Provider, *, today: date) -> FileSummary:
    readiness = file_readiness_for(provider, today)
    return FileSummary(
        total=len(readiness.items),
        ready_count=sum(1 for item in readiness.items if item.ready),
        missing=sum(1 for item in readiness.items if not item.present),
        not_ready=sum(1 for item in readiness.items if item.present and not item.ready),
    )
