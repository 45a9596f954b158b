"""A real worker sends its emails over one database connection (CELERY_DB_REUSE_MAX), closes it
when told to (0, Celery's default), and a connection killed under it costs no email.

Each case starts `celery worker` (solo pool) against the test database with CONN_MAX_AGE=60 as
in production, and an application_name of its own, so pg_stat_activity shows which connections
are the worker's. Emails are queued one at a time through the real services and Redis.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
import redis
from celery.fixups.django import DjangoWorkerFixup
from django.conf import settings
from django.db import connection

from alma.celery import app
from onboarding import emails as onboarding_emails
from onboarding.models import OutboxEmail
from tests.factories import ProviderFactory
from tests.helpers import REPO

_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("WORKER_TEST_BROKER_URL", f"redis://127.0.0.1:6379/{14 - _XDIST_INDEX}")
APPLICATION_NAME = f"outbox-worker-test{_XDIST_INDEX}"


def wait_for(condition: Callable[[], object], *, what: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)
    return result


def worker_connections() -> list[tuple[int, object]]:
    """The worker's open database connections: (backend pid, when it was opened)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE application_name = %s ORDER BY pid",
            [APPLICATION_NAME],
        )
        return cursor.fetchall()


@pytest.fixture
def start_worker():
    processes = []

    def start(*, db_reuse_max: str | None) -> None:
        db = connection.settings_dict
        redis.Redis.from_url(REDIS_URL).flushdb()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "alma.settings.test",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
                f"?conn_max_age=60&application_name={APPLICATION_NAME}"
            ),
            "CELERY_BROKER_URL": REDIS_URL,
        }
        env.pop("CELERY_DB_REUSE_MAX", None)
        if db_reuse_max is not None:
            env["CELERY_DB_REUSE_MAX"] = db_reuse_max
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "alma", "worker", "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        processes.append(process)
        output = []
        while "ready." not in (line := process.stdout.readline()):
            output.append(line)
            if process.poll() is not None:
                pytest.fail("celery worker exited:\n" + "".join(output))

    yield start
    for process in processes:
        process.terminate()
        sys.stdout.write(process.communicate(timeout=20)[0])  # pytest shows it when a test fails


def queue_and_deliver_one_email(celery_broker) -> OutboxEmail:
    with celery_broker(REDIS_URL):
        provider = ProviderFactory()
    row = OutboxEmail.objects.get(provider=provider, step=onboarding_emails.GENERAL_ONBOARDING)

    def delivered() -> bool:
        row.refresh_from_db()
        return row.sent_at is not None

    wait_for(delivered, what=f"the worker to send outbox email {row.pk}")
    return row


def test_the_worker_is_configured_to_reuse_its_database_connection():
    # What Celery's Django fixup reads when a worker starts (celery/fixups/django.py): without
    # it, the fixup closes the connection before and after every task.
    assert settings.CELERY_DB_REUSE_MAX >= 100
    assert DjangoWorkerFixup(app).db_reuse_max == settings.CELERY_DB_REUSE_MAX


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_one_email_after_another_over_the_same_connection(start_worker, celery_broker):
    start_worker(db_reuse_max=None)  # the shipped setting

    queue_and_deliver_one_email(celery_broker)
    [first] = wait_for(worker_connections, what="the worker's connection")
    queue_and_deliver_one_email(celery_broker)
    assert worker_connections() == [first], "the second email opened a connection of its own"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_with_reuse_off_the_worker_closes_its_connection_after_every_email(start_worker, celery_broker):
    # The control: Celery's default, which the shipped setting replaces.
    start_worker(db_reuse_max="0")

    for _ in range(2):
        queue_and_deliver_one_email(celery_broker)
        wait_for(lambda: worker_connections() == [], what="the worker to close its connection")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_between_two_emails_costs_neither(start_worker, celery_broker):
    start_worker(db_reuse_max=None)
    queue_and_deliver_one_email(celery_broker)
    [(pid, _opened)] = wait_for(worker_connections, what="the worker's connection")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    wait_for(lambda: worker_connections() == [], what="the killed connection to go")

    second = queue_and_deliver_one_email(celery_broker)

    assert second.attempts == 1  # sent at its first claim, not left for a later sweep
    [(new_pid, _)] = wait_for(worker_connections, what="the worker's new connection")
    assert new_pid != pid
