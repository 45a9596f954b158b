import codecs
import csv
import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from onboarding import services
from onboarding.errors import OnboardingError
from onboarding.forms import AgreementForm
from onboarding.models import MembershipAgreement

# Column headings as operators write them -> the form's field names.
HEADINGS = {
    "name": "legal_name",
    "legal_name": "legal_name",
    "email": "email",
    "license_type": "license_type",
    "contracted_start_date": "contracted_start_date",
    "signed_at": "signed_at",
}
REQUIRED = ("legal_name", "email", "license_type", "contracted_start_date", "signed_at")
# What an agreements file can be: a year of signings is a few hundred rows of under 200 bytes.
# Reading stops one byte past the limit, so an endless input (a device, a pipe) ends too.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
SAVE_AS_UTF8 = 'Save it as "CSV UTF-8 (Comma delimited)" (Excel: File > Save As) and try again.'


def read_csv_text(csv_file: Path) -> str:
    """The file's text, if it is a UTF-8 CSV file of at most MAX_FILE_BYTES (an Excel BOM is
    fine); else a CommandError that says what the file is instead."""
    try:
        with csv_file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CommandError(f"Cannot read {csv_file}: {exc.strerror}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise CommandError(
            f"{csv_file} is larger than the limit of {MAX_FILE_BYTES // 2**20} MB "
            f"(at most {MAX_ROWS:,} agreements a file); split it into smaller files."
        )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CommandError(f"{csv_file} is UTF-16 text, not a UTF-8 CSV file. {SAVE_AS_UTF8}")
    if raw.startswith(b"PK\x03\x04"):
        raise CommandError(
            f"{csv_file} is a zip archive or an Excel workbook, not a CSV file. {SAVE_AS_UTF8}"
        )
    if b"\x00" in raw:
        # UTF-16 without a BOM has a NUL in every other byte of plain text; binaries have many.
        raise CommandError(
            f"{csv_file} is not a UTF-8 CSV file: it contains NUL bytes (a binary file, or UTF-16 "
            f"text). {SAVE_AS_UTF8}"
        )
    body = raw.removeprefix(codecs.BOM_UTF8)  # Excel's "CSV UTF-8" starts with one
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise CommandError(
            f"{csv_file}: line {line}: not a UTF-8 CSV file (byte 0x{body[exc.start]:02x} is not UTF-8; "
            f"a file saved as ANSI or Latin-1?). {SAVE_AS_UTF8}"
        ) from exc


def _heading(raw: str) -> str:
    return "_".join(raw.strip().lower().replace("-", " ").split())


class Command(BaseCommand):
    help = (
        "Import signed membership agreements from a CSV file with the columns: name, email, "
        "license type, contracted start date, signed at. Each row creates a provider and queues "
        "their General Onboarding email. The whole file is checked first: if any row is bad, "
        "every error is listed with its line number and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "csv_file",
            type=Path,
            help=f"path to the CSV file (UTF-8, header row first, at most {MAX_FILE_BYTES // 2**20} MB)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, import nothing"
        )

    def handle(self, *args, csv_file: Path, dry_run: bool, **options):
        rows, errors = self._read(csv_file)
        errors += self._existing_accounts(rows)
        if errors:
            raise CommandError(
                f"{csv_file}: {len(errors)} problem(s), nothing imported:\n"
                + "\n".join(f"  {e}" for e in errors)
            )
        if dry_run:
            self.stdout.write(f"{csv_file}: {len(rows)} agreement(s) would be imported (dry run).")
            return
        try:
            with transaction.atomic():
                for count, (line, data) in enumerate(rows, start=1):
                    services.agreement_record(
                        **data,
                        source=MembershipAgreement.Source.IMPORT,
                        source_reference=f"{csv_file.name}:{line}",
                    )
                    if count % 100 == 0:
                        self.stdout.write(f"  {count}/{len(rows)} recorded...")
        except OnboardingError as error:
            raise CommandError(f"{csv_file}: line {line}: {error} Nothing imported.") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(rows)} agreement(s); their General Onboarding emails are queued."
            )
        )

    def _read(self, csv_file: Path) -> tuple[list[tuple[int, dict]], list[str]]:
        text = read_csv_text(csv_file)
        rows: list[tuple[int, dict]] = []
        errors: list[str] = []
        seen: dict[str, int] = {}  # email -> the line it was first on
        reader = csv.DictReader(io.StringIO(text, newline=""))
        try:
            if not reader.fieldnames:
                raise CommandError(f"{csv_file} is empty; expected a header row: {', '.join(REQUIRED)}")
            columns = {raw: HEADINGS.get(_heading(raw)) for raw in reader.fieldnames if raw}
            missing = set(REQUIRED) - set(columns.values())
            if missing:
                raise CommandError(
                    f"{csv_file}: missing column(s): {', '.join(sorted(missing))}. "
                    f"Found: {', '.join(reader.fieldnames)}"
                )
            for count, record in enumerate(reader, start=1):
                if count > MAX_ROWS:
                    raise CommandError(
                        f"{csv_file} has more than {MAX_ROWS:,} agreements; split it into smaller files."
                    )
                line = reader.line_num
                data = {field: (record.get(raw) or "").strip() for raw, field in columns.items() if field}
                form = AgreementForm(data)
                if not form.is_valid():
                    for field, messages in form.errors.items():
                        errors.extend(f"line {line}: {field} {data.get(field)!r}: {m}" for m in messages)
                    continue
                email = form.cleaned_data["email"].lower()
                if email in seen:
                    errors.append(f"line {line}: email {email} is also on line {seen[email]}")
                    continue
                seen[email] = line
                rows.append((line, form.cleaned_data))
        except csv.Error as exc:
            # DictReader's own line_num lags on an error; its csv.reader's names the bad line.
            line = reader.reader.line_num
            raise CommandError(f"{csv_file}: line {line}: not readable as CSV ({exc})") from exc
        if not rows and not errors:
            raise CommandError(f"{csv_file} has a header but no agreements.")
        return rows, errors

    def _existing_accounts(self, rows: list[tuple[int, dict]]) -> list[str]:
        by_email = {data["email"].lower(): line for line, data in rows}
        existing = get_user_model().objects.filter(email__in=by_email).values_list("email", flat=True)
        return [f"line {by_email[email]}: email {email} already has an account" for email in sorted(existing)]
