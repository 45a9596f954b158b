"""The Celery application: broker and beat schedule come from Django settings (CELERY_*)."""

import os
import sys

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings.local")

app = Celery("alma")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def refuse_a_configuration_the_checks_reject(**kwargs) -> None:
    """A worker does not start on settings Django's system checks call an error (e.g. an
    EMAIL_TIMEOUT or task time limit that lets a send outlive its outbox lease). Celery runs
    the checks itself but only logs what they find; web and `migrate` refuse to start."""
    from django.core import checks  # noqa: PLC0415 - Django is set up by the time workers start

    errors = [
        message for message in checks.run_checks() if message.is_serious() and not message.is_silenced()
    ]
    if errors:
        sys.stderr.write("The worker refuses to start:\n" + "\n".join(str(error) for error in errors) + "\n")
        # SystemExit, not an exception: Celery logs and ignores exceptions from signal handlers.
        raise SystemExit(1)
