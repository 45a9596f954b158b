"""A real Celery worker process, fed through the real Redis broker, delivers the email; one whose
settings would let a send outlive its lease does not start."""

import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings
from django.db import connection

from onboarding import emails as onboarding_emails
from onboarding.models import OutboxEmail
from tests.factories import ProviderFactory
from tests.helpers import REPO

# A Redis database of its own, emptied first, so no other run's messages reach this worker; one per
# pytest-xdist worker (gw0 takes 14, gw1 13, ...), since each empties its own before it starts.
_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("WORKER_TEST_BROKER_URL", f"redis://127.0.0.1:6379/{14 - _XDIST_INDEX}")


@pytest.fixture
def worker(tmp_path):
    """`celery worker` on its own queue, against the test database, writing email to files."""
    db = connection.settings_dict
    redis.Redis.from_url(REDIS_URL).flushdb()
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "alma", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if "ready." in line:
            break
        if process.poll() is not None:
            pytest.fail("celery worker exited:\n" + "".join(output))
    else:
        process.kill()
        pytest.fail("celery worker did not start:\n" + "".join(output))
    try:
        yield mail_dir
    finally:
        process.terminate()
        output.append(process.communicate(timeout=20)[0])
        sys.stdout.write("".join(output))  # pytest shows it when the test fails


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_general_onboarding_email(worker, celery_broker):
    mail_dir = worker
    with celery_broker(REDIS_URL):
        provider = ProviderFactory(email="worker.test@example.com")

    row = OutboxEmail.objects.get(provider=provider, step=onboarding_emails.GENERAL_ONBOARDING)
    deadline = time.monotonic() + 30
    while row.sent_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        row.refresh_from_db()
    assert row.sent_at is not None, "the worker did not deliver the email"

    [mail_file] = mail_dir.iterdir()
    delivered = mail_file.read_text()
    assert "To: worker.test@example.com" in delivered
    assert f"Message-ID: {row.message_id}" in delivered
    assert f"{settings.SITE_URL}/onboarding/{provider.public_id}/general-onboarding/" in delivered


@pytest.mark.worker
def test_a_worker_refuses_to_start_when_a_send_could_outlive_its_lease():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "alma.settings.test",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_TIME_LIMIT": "1000",  # more than the 300 s outbox lease
    }
    finished = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "alma", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        check=False, cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert finished.returncode != 0
    assert "The worker refuses to start" in finished.stderr
    assert "onboarding.E002" in finished.stderr
    assert "ready." not in finished.stdout + finished.stderr
