"""The Celery application: broker and beat schedule come from Django settings (CELERY_*)."""

import os
import sys

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alma.settings.local")

app = Celery("alma")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_old_database_connections(task=None, **kwargs) -> None:
    """What Django does around every web request, around every task: close a connection past
    CONN_MAX_AGE or one that is broken, so the next query reconnects. Celery's own closing is
    spaced out by CELERY_DB_REUSE_MAX (settings say why); this keeps CONN_MAX_AGE and the health
    of connections in force between its closes. Not for tasks run inline (tests, eager mode):
    their caller's connection, and its transaction, are not the task's to close."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections  # noqa: PLC0415 - Django is set up when tasks run

    close_old_connections()


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
