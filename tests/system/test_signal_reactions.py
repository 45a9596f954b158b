"""The upward reactions, now signals (training.signals, credentialing.signals), keep the order the
direct calls had: the portal completes onboarding inside the sender's transaction and under its
provider lock; the directory publishes only once that transaction has committed, and a directory
failure never undoes the event that caused it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credentialing.models import ApplicationStatus, PayerApplication
from credentialing.services import applications as credentialing
from credentialing.signals import network_changed
from directory import services as directory
from directory.models import DirectoryProfile
from onboarding.models import OnboardingStep, Provider
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import committed, ready_provider
from tests.helpers import days_ago
from tests.pipeline import grant_portal_access
from training.models import TrainingProgress
from training.services import quiz_mark_passed, webinar_mark_watched
from training.signals import training_completed

pytestmark = pytest.mark.django_db


def due_but_untrained() -> Provider:
    """Forms approved, portal access granted, a payer in effect since last week, the contracted
    start date passed: only the training stands between this provider and the directory."""
    provider = ready_provider(effective=days_ago(7), contracted_start_date=days_ago(10))
    grant_portal_access(provider)
    webinar_mark_watched(provider=provider)
    provider.refresh_from_db()
    return provider


def is_live(provider: Provider) -> bool:
    return DirectoryProfile.objects.filter(provider=provider, is_live=True).exists()


def test_training_completed_completes_onboarding_in_its_transaction_and_publishes_after_commit(
    django_capture_on_commit_callbacks,
):
    provider = due_but_untrained()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        quiz_mark_passed(provider=provider)
        # Inside the training's transaction: onboarding is complete, the profile not yet live.
        provider.refresh_from_db()
        assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
        assert not is_live(provider)
    for callback in callbacks:
        callback()
    assert is_live(provider)


def test_the_provider_is_locked_before_the_training_is_written_and_completion_reads_it():
    provider = due_but_untrained()
    with CaptureQueriesContext(connection) as queries:
        quiz_mark_passed(provider=provider)
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [i for i, s in enumerate(sql) if "FOR UPDATE" in s]
    writes = [i for i, s in enumerate(sql) if s.startswith("UPDATE") and "training_trainingprogress" in s]
    completed = [i for i, s in enumerate(sql) if s.startswith("INSERT") and "onboarding_onboardingevent" in s]
    # The first lock taken is the provider row (every onboarding transition takes it first), then
    # the training is written, then the portal's receiver records the step in the same transaction.
    assert '"onboarding_provider"' in sql[locks[0]]
    assert locks[0] < writes[0] < completed[0]


def test_a_directory_failure_after_training_never_undoes_the_training_or_the_completion(
    monkeypatch, django_capture_on_commit_callbacks
):
    provider = due_but_untrained()

    def broken(**kwargs):
        raise RuntimeError("directory down")

    monkeypatch.setattr(directory, "profile_publish_if_due", broken)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_mark_passed(provider=provider)  # the robust on-commit callback logs the failure
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    assert TrainingProgress.objects.get(provider=provider).quiz_passed_at is not None
    assert not is_live(provider)
    # The directory's own sweep catches up.
    directory.profiles_publish_due()
    assert is_live(provider)


def test_a_payer_approval_reaches_the_directory_only_after_commit(django_capture_on_commit_callbacks):
    provider = ready_provider(
        effective=None, trained_at=timezone.now() - dt.timedelta(days=30), contracted_start_date=days_ago(20)
    )
    application = make_application(provider=provider, payer=PayerFactory(), status="submitted")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        credentialing.application_approve(application=application, effective_date=days_ago(5), actor=None)
        assert not is_live(provider)
    for callback in callbacks:
        callback()
    assert is_live(provider)


def test_a_directory_failure_never_undoes_a_payer_decision(monkeypatch, django_capture_on_commit_callbacks):
    provider = ready_provider(
        effective=None, trained_at=timezone.now() - dt.timedelta(days=30), contracted_start_date=days_ago(20)
    )
    application = make_application(provider=provider, payer=PayerFactory(), status="submitted")

    def broken(**kwargs):
        raise RuntimeError("directory down")

    monkeypatch.setattr(directory, "profiles_sync", broken)
    with django_capture_on_commit_callbacks(execute=True):
        credentialing.application_approve(application=application, effective_date=days_ago(5), actor=None)
    assert PayerApplication.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
    assert not is_live(provider)


def test_the_signals_name_their_receivers_in_the_layers_above():
    # Who listens is decided above the sender: the directory and the portal, never the sender.
    training_receivers = {r[1]().__module__ for r in training_completed.receivers if r[1]() is not None}
    network_receivers = {r[1]().__module__ for r in network_changed.receivers if r[1]() is not None}
    assert training_receivers == {"directory.receivers", "portal.receivers"}
    assert network_receivers == {"directory.receivers"}


def test_withdrawing_the_only_payer_takes_the_profile_down_after_commit():
    provider = ready_provider(
        effective=days_ago(30),
        trained_at=timezone.now() - dt.timedelta(days=30),
        contracted_start_date=days_ago(40),
    )
    directory.profiles_publish_due()
    assert is_live(provider)
    application = PayerApplication.objects.get(provider=provider)
    with committed():
        credentialing.application_withdraw(application=application, actor=None)
    assert not is_live(provider)
