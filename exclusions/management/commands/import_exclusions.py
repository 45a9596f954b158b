"""Import one exclusion list file (README, "Exclusion monitoring").

python manage.py import_exclusions --source leie UPDATED.csv [--file-date 2026-11-09]
python manage.py import_exclusions --source leie 2611EXCL.csv --supplement
python manage.py import_exclusions --source sam SAM_Exclusions_Public_Extract.csv
"""

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from exclusions import services, sources
from exclusions.errors import ExclusionError


class Command(BaseCommand):
    help = "Import an exclusion list (OIG LEIE, SAM): the monthly full file or a supplement."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file as downloaded")
        parser.add_argument("--source", required=True, choices=sorted(sources.SOURCES))
        parser.add_argument(
            "--supplement", action="store_true", help="a supplement (adds to the last full list)"
        )
        parser.add_argument(
            "--file-date",
            type=date.fromisoformat,
            help="the date the source published the file, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="import a full file much shorter than the last one, or the same file again",
        )
        parser.add_argument("--by", default="", help="who is importing it (kept with the import)")
        parser.add_argument(
            "--match", action="store_true", help="match every active provider against the list at once"
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            record = services.list_import(
                source=options["source"],
                path=path,
                file_date=options["file_date"] or timezone.localdate(),
                supplement=options["supplement"],
                force=options["force"],
                imported_by=options["by"] or "import_exclusions",
            )
        except ExclusionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Imported {record}: {record.row_count:,} rows from {record.file_name} (SHA-256 {record.sha256})."
        )
        if options["match"]:
            services.subjects_refresh()
            run = services.source_run(source=record.source, trigger="import_exclusions --match")
            self.stdout.write(
                f"Matched {run.providers_checked:,} providers: {run.possible_matches} possible "
                f"matches, {run.new_cases} new cases."
            )
