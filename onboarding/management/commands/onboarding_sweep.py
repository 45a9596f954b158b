from django.core.management.base import BaseCommand, CommandError

from onboarding.services import outbox_sweep


class Command(BaseCommand):
    help = (
        "Send every unsent email and report those past due (the directory's publishing is its own "
        "command, publish_profiles). Safe to run at "
        "any time, any number of times, also while workers and other sweeps run: each profile "
        "changes once, and an email another sender holds or has sent is left alone. Delivery is "
        "at least once: an email goes out again, with the same Message-ID, only if its sender "
        "stopped after the mail server accepted it and before marking it sent (admin: Outbox "
        "emails > Sent after a retry lists these possible duplicates). A 5xx refusal fails the "
        "email at once; other failures retry with a backoff, up to OUTBOX_MAX_ATTEMPTS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=50, help="rows claimed per round (default 50)")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        result = outbox_sweep(batch_size=batch_size)
        self.stdout.write(
            f"Emails sent: {result.sent}; failed for good: {result.failed}; "
            f"retrying later: {result.retrying}; past due and unsent: {result.overdue}"
        )
        if result.errors:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.errors} email(s) hit a database error; the next sweep takes them (see the log)."
                )
            )
        if result.overdue:
            self.stdout.write(
                self.style.WARNING("Past-due emails are listed in admin: Outbox emails > Past due.")
            )
