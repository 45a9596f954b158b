"""Fixtures every test folder shares. The helpers they are built on are in tests/helpers.py;
rows made through the services are in the factories modules under tests/."""

import contextlib
import importlib
import os

import pytest
import time_machine
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from kombu import pools as kombu_pools

from alma import shifted_clock
from onboarding import links
from tests.directory_factories import make_live_provider
from tests.factories import ProviderFactory
from tests.helpers import image_bytes, staff_user
from tests.training_factories import seed_training

# Property tests assert rules, not speed: Hypothesis' default 200 ms deadline per example turned a
# busy CI machine (two xdist workers, a browser, a Celery worker) into a failure of a pure rule.
hypothesis_settings.register_profile("alma", deadline=None)
hypothesis_settings.load_profile("alma")


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
    # Each test starts with an empty cache: the NPI registry's day-long answers (with the time the
    # registry gave them), its throttle slots and the rate limits would otherwise leak from one
    # test into the next in the same process, and make results depend on the order tests run in.
    cache.clear()


@pytest.fixture
def provider(db):
    return ProviderFactory()


@pytest.fixture
def make_provider(db):
    return ProviderFactory


@pytest.fixture
def signed_in(client, provider):
    """The test's browser, signed in as `provider` (a module may override `provider`)."""
    client.force_login(provider.user)
    return client


@pytest.fixture
def staff(db):
    """A staff member with no permissions beyond the admin's door."""
    return staff_user("staff.member@alma.test")


@pytest.fixture
def support_client(client):
    """The test's browser, signed in as support staff with the Support role's provider-admin
    permissions (accounts/roles.py): see and change providers, see link renewals."""
    client.force_login(
        staff_user("support@alma.test", "view_provider", "change_provider", "view_linkrenewal")
    )
    return client


@pytest.fixture
def live_provider(db):
    """A provider live in the directory: approved forms, an approved payer, training done."""
    return make_live_provider(legal_name="Morgan Alvarez")


@pytest.fixture
def general_onboarding_url(provider):
    """The path of `provider`'s emailed General Onboarding link."""
    return links.form_path(provider, links.GENERAL_ONBOARDING)


@pytest.fixture
def photo_upload():
    return SimpleUploadedFile("me.png", image_bytes(), content_type="image/png")


@pytest.fixture
def clock():
    """The clock stopped at now; a test moves it on itself (`clock.shift(...)`)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def rate_limits_reset():
    # allauth counts sign-in and password-reset attempts (and used TOTP codes) in the cache.
    cache.clear()


@pytest.fixture
def support_articles(db):
    # The seed migration's own function: a transactional test elsewhere may have emptied the table.
    importlib.import_module("support.migrations.0002_seed_articles").seed(apps, None)


@pytest.fixture
def webinar(db):
    """The demo webinar and the quiz's questions, as the data migration seeds them."""
    return seed_training()


def _drop_broker_connections(app) -> None:
    # Celery caches its connection and producer pools from the first broker_url it saw; drop
    # both (as Celery itself does after a fork) so the next publish connects to the new URL.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps its pools in process-wide registries keyed by broker URL: without a reset the
    # next publish to the first URL would get the pool closed above ("Acquire on closed pool").
    kombu_pools.reset()


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
