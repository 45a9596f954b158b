import contextlib
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alma import shifted_clock
from tests.factories import ProviderFactory


def pytest_report_header(config):
    # `scripts/test --at DATE` (alma/shifted_clock.py): say so first, a failure may be the date's.
    from django.conf import settings  # noqa: PLC0415 - configured by pytest-django by now

    return shifted_clock.describe(settings.COMPANY_TIME_ZONE)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Django's test set-up swaps in locmem; anymail's test backend stands in for the email
    # provider's HTTP API (records into mail.outbox and reports a message id like an ESP).
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture
def provider(db):
    return ProviderFactory()


@pytest.fixture
def make_provider(db):
    return ProviderFactory


def image_bytes(fmt: str = "PNG", size=(64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 80)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def photo_upload():
    return SimpleUploadedFile("me.png", image_bytes(), content_type="image/png")


def _drop_broker_connections(app) -> None:
    # Celery caches its connection and producer pools from the first broker_url it saw; drop
    # both (as Celery itself does after a fork) so the next publish connects to the new URL.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_broker():
    """Publish tasks to a real broker at `url` instead of running them inline."""
    from alma.celery import app  # noqa: PLC0415

    @contextlib.contextmanager
    def use(url: str):
        saved = app.conf.broker_url, app.conf.task_always_eager
        # Celery reads the CELERY_BROKER_URL environment variable before its own setting.
        saved_env = os.environ.get("CELERY_BROKER_URL")
        os.environ["CELERY_BROKER_URL"] = url
        app.conf.broker_url, app.conf.task_always_eager = url, False
        _drop_broker_connections(app)
        try:
            yield app
        finally:
            _drop_broker_connections(app)
            if saved_env is None:
                os.environ.pop("CELERY_BROKER_URL")
            else:
                os.environ["CELERY_BROKER_URL"] = saved_env
            app.conf.broker_url, app.conf.task_always_eager = saved

    return use
