from datetime import date

from django.core.management.base import BaseCommand, CommandError

from alma.csv_export import safe_writer
from directory import selectors
from directory.errors import DirectoryError
from directory.services import profiles_publish_due

COLUMNS = ("action", "provider_id", "name", "slug", "go_live_on", "reason")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date like 2026-03-20, not {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Publish every directory profile whose go-live date has come and take down those no longer "
        "due, each recorded with its reason (the directory's beat job does the same, at midnight and "
        "every few minutes). "
        "With --dry-run, only show what would change and why, as of --as-of (default today in the "
        "company time zone). Safe to run at any time, any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            metavar="DATE",
            help="the day to decide for, YYYY-MM-DD (default: today); another day needs --dry-run",
        )
        parser.add_argument("--dry-run", action="store_true", help="change nothing; show what would change")
        parser.add_argument(
            "--format", choices=("table", "csv"), default="table", help="output: table (default) or csv"
        )

    def handle(self, *args, as_of: str | None, dry_run: bool, format: str, **options):  # noqa: A002
        day = _day(as_of) if as_of else selectors.company_today()
        try:
            result = profiles_publish_due(as_of=day, dry_run=dry_run)
        except DirectoryError as error:
            raise CommandError(str(error)) from error
        rows = [
            (
                c.action,
                c.provider_id,
                c.name,
                c.slug,
                c.go_live_on.isoformat() if c.go_live_on else "",
                c.reason,
            )
            for c in result.changes
        ]
        if format == "csv":
            writer = safe_writer(self.stdout)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        else:
            self._table(rows)
        verb = ("would publish", "would take down") if dry_run else ("published", "took down")
        summary = (
            f"As of {day:%Y-%m-%d}: {verb[0]} {len(result.published)}, {verb[1]} {len(result.unpublished)}"
            + (f"; {result.created} profile(s) built" if result.created and not dry_run else "")
            + (" (dry run: nothing was changed)" if dry_run else "")
        )
        # The table's summary goes with it; with CSV the data stays clean on stdout.
        (self.stderr if format == "csv" else self.stdout).write(summary)
        if result.disagreements:
            raise CommandError(
                f"{len(result.disagreements)} profile(s) left unchanged: the SQL and the go-live rule "
                f"disagree (profile ids {', '.join(map(str, result.disagreements))}); see the log."
            )

    def _table(self, rows) -> None:
        if not rows:
            return
        headers = ("ACTION", "PROVIDER", "NAME", "SLUG", "GO-LIVE", "REASON")
        cells = [tuple(str(value) for value in row) for row in rows]
        widths = [max(len(headers[i]), *(len(row[i]) for row in cells)) for i in range(len(headers) - 1)]
        line = "  ".join(f"{{:<{width}}}" for width in widths) + "  {}"
        self.stdout.write(line.format(*headers))
        for row in cells:
            self.stdout.write(line.format(*row))
