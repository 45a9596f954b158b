from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from alma.csv_export import safe_writer
from credentialing.expirables import KIND_LABELS, reminder_due
from credentialing.services.expirables import expirables_within, expiry_reminders_send

FORMATS = ("table", "csv")


class Command(BaseCommand):
    help = (
        "Queue the expiry reminders due today (60, 30 and 7 days before a license, liability "
        "policy, DEA registration, board certification or CAQH attestation expires; each exactly "
        "once) and list what expires in the coming days. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=60, help="list what expires within this many days (default 60)"
        )
        parser.add_argument("--as-of", help="the day to check, YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list only; queue no reminder")
        parser.add_argument("--format", default="table", help="table or csv")

    def handle(self, *args, days: int, as_of: str | None, dry_run: bool, format: str, **options):  # noqa: A002
        if days < 0:
            raise CommandError("--days must be 0 or more")
        if format not in FORMATS:
            raise CommandError(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
        today = timezone.localdate()
        if as_of:
            try:
                given = parse_date(as_of)
            except ValueError:  # well formed but not a day of the calendar (2026-02-30)
                given = None
            if given is None:
                raise CommandError(f"--as-of must be a date like 2026-11-27, not {as_of!r}")
            today = given
        queued = 0 if dry_run else expiry_reminders_send(today=today)
        expiring = expirables_within(today=today, days=days)
        if format == "csv":
            writer = safe_writer(self.stdout)
            writer.writerow(
                ["provider_id", "credential", "reference", "expires_on", "days_left", "reminder_window"]
            )
            for item in expiring:
                writer.writerow([item.provider_id, KIND_LABELS[item.kind], item.reference, item.expires_on,
                                 item.days_left(today), reminder_due(item, today) or ""])  # fmt: skip
            return
        self.stdout.write(f"{'Dry run: ' if dry_run else ''}{queued} reminder(s) queued for {today}.")
        self.stdout.write(f"{len(expiring)} credential(s) expire within {days} days:")
        for item in expiring:
            left, who = item.days_left(today), f"provider {item.provider_id}"
            self.stdout.write(f"  {item.expires_on}  {left:>3} days  {item.reference}  ({who})")
