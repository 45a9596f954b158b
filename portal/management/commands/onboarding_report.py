import json
from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from alma.csv_export import safe_writer
from portal.reports import onboarding_report

FORMATS = ("table", "csv", "json")
HEADER = ["section", "item", "provider", "count", "median_business_days", "due_at"]


class Command(BaseCommand):
    help = (
        "Report the onboarding pipeline: providers at each step, the median business days each "
        "step took, and everything overdue (emails, reviews, payer decisions, help requests)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", default="table", help=f"one of {', '.join(FORMATS)} (default table)")
        parser.add_argument("--as-of", help="report as of the end of this date, YYYY-MM-DD (default: now)")

    def handle(self, *args, format: str, as_of: str | None, **options):  # noqa: A002 - the option's name
        if format not in FORMATS:
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
        now = timezone.now()
        if as_of:
            day = parse_date(as_of) if as_of else None
            if day is None:
                raise CommandError(f"--as-of must be a date like 2026-11-27, not {as_of!r}")
            now = timezone.make_aware(datetime.combine(day, time.max))
        report = onboarding_report(now=now)
        rows = [
            [
                "step",
                line.label,
                "",
                line.providers_here,
                "" if line.median_business_days is None else line.median_business_days,
                "",
            ]
            for line in report.steps
        ] + [
            [
                "overdue",
                f"{promise.kind}: {promise.what}",
                promise.provider,
                "",
                "",
                promise.due_at.isoformat(),
            ]
            for promise in report.overdue
        ]
        if format == "csv":
            writer = safe_writer(self.stdout)
            writer.writerow(HEADER)
            writer.writerows(rows)
        elif format == "json":
            self.stdout.write(
                json.dumps([dict(zip(HEADER, row, strict=True)) for row in rows], indent=2, default=str)
            )
        else:
            self._table(report)

    def _table(self, report):
        self.stdout.write(f"Onboarding as of {timezone.localtime(report.as_of):%Y-%m-%d %H:%M %Z}\n")
        self.stdout.write(f"{'Step':<40} {'Providers':>9} {'Median business days':>21}")
        for line in report.steps:
            median = "-" if line.median_business_days is None else f"{line.median_business_days:.2f}"
            self.stdout.write(f"{line.label:<40} {line.providers_here:>9} {median:>21}")
        self.stdout.write(f"\nOverdue: {len(report.overdue)}")
        for promise in report.overdue:
            due = timezone.localtime(promise.due_at)
            self.stdout.write(
                f"  {promise.kind:<15} {promise.provider:<25} due {due:%Y-%m-%d %H:%M}  {promise.what}"
            )
