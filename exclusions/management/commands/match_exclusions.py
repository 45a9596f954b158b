"""Match every active provider against each source's latest list now (what the beat job does
once a month), whether or not this month's run has happened."""

from django.core.management.base import BaseCommand

from exclusions import services


class Command(BaseCommand):
    help = "Match every active provider against the latest LEIE and SAM lists now."

    def handle(self, *args, **options) -> None:
        runs = services.exclusions_run(trigger="match_exclusions")
        if not runs:
            self.stdout.write("No list imported yet: run import_exclusions first.")
        for run in runs:
            self.stdout.write(
                f"{run.source.upper()}: {run.providers_checked:,} providers checked, "
                f"{run.possible_matches} possible matches, {run.new_cases} new cases."
            )
