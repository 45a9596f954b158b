"""Tests: real PostgreSQL and Redis (both started on this machine and in CI)."""

import os

from alma import shifted_clock
from alma.settings.base import *  # noqa: F403
from alma.settings.base import COMPANY_TIME_ZONE, STATIC_ROOT, env, with_jit_off

# `scripts/test --at 2028-02-29`: this process, and every process it starts with these settings,
# runs with the real clock moved by one offset. Started here, before the test database exists,
# so its seeded rows are made on the shifted date too (alma/shifted_clock.py).
shifted_clock.start(COMPANY_TIME_ZONE)

SECRET_KEY = "test-only-secret-key-with-enough-length-and-entropy-0123456789"
DEBUG = False
FIELD_ENCRYPTION_KEYS = ["AGiWuY-4FYKliDujEJWzklbv5PBe-SvRWTPJlNAehgY="]
DATABASES = {
    "default": with_jit_off(env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/alma"))
}
if shifted_clock.is_shifted():
    # Rows seeded on a shifted date stay out of the unshifted runs' reused (--reuse-db) database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_shifted"}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
# Unit tests run tasks inline when a test executes on-commit callbacks; the behaviour of the
# broker itself is covered by tests that start a real worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
# A per-row send delivers only its own email here, so a test counting one transition's email is
# not handed the fixtures' other queued emails; tests/onboarding/test_outbox_batches.py sets the
# production default back and tests the batches. OUTBOX_SEND_COMPANY_ROWS=20 in the environment
# runs a suite with batches on (the README: the email fault suite passes either way).
OUTBOX_SEND_COMPANY_ROWS = env.int("OUTBOX_SEND_COMPANY_ROWS", default=0)
CELERY_TASK_EAGER_PROPAGATES = False
# anymail's test backend records what would have gone to the email provider's API.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="anymail.backends.test.EmailBackend")
# pytest-xdist runs the suite in several processes (scripts/test -n 2): each keeps its files apart.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=f"/tmp/alma-test-mail{_XDIST_WORKER}")  # noqa: S108
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env("MEDIA_ROOT", default=f"/tmp/alma-test-media{_XDIST_WORKER}")  # noqa: S108 - test uploads
# Playwright's sync API runs an event loop in the test thread; the ORM is used from the
# same thread between page actions, which is safe here (see shared/NOTES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# WhiteNoise serves from STATIC_ROOT; outside production it is empty but must exist.
STATIC_ROOT.mkdir(exist_ok=True)
