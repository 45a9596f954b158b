"""Step 5: the webinar and the quiz are recorded once, at any time after step 0, in any order."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onboarding import emails as onboarding_emails
from onboarding.models import OnboardingStep, OutboxEmail
from tests.factories import ProviderFactory
from tests.helpers import staff_user
from training.models import TrainingProgress
from training.selectors import training_progress
from training.services import quiz_mark_passed, webinar_mark_watched

pytestmark = pytest.mark.django_db


def test_the_first_viewing_and_the_first_pass_count(provider):
    first = timezone.now() - dt.timedelta(days=2)
    later = timezone.now()

    webinar_mark_watched(provider=provider, now=first)
    assert training_progress(provider).webinar_completed_at == first
    assert not training_progress(provider).is_done

    webinar_mark_watched(provider=provider, now=later)  # watched again
    quiz_mark_passed(provider=provider, now=later)
    quiz_mark_passed(provider=provider, now=later + dt.timedelta(hours=1))  # retaken

    progress = TrainingProgress.objects.get(provider=provider)
    assert (progress.webinar_completed_at, progress.quiz_passed_at) == (first, later)
    assert progress.is_done
    assert TrainingProgress.objects.count() == 1


def test_the_quiz_before_the_webinar_is_not_done_until_both_are(provider):
    quiz_mark_passed(provider=provider)
    assert training_progress(provider).quiz_passed_at is not None
    assert not training_progress(provider).is_done
    webinar_mark_watched(provider=provider)
    assert training_progress(provider).is_done


def test_training_early_moves_no_onboarding_step_and_sends_nothing(provider):
    # PRODUCT.md: done any time after step 0; steps 1-4 still happen in order afterwards.
    webinar_mark_watched(provider=provider)
    quiz_mark_passed(provider=provider)
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED
    assert list(OutboxEmail.objects.filter(provider=provider).values_list("step", flat=True)) == [
        onboarding_emails.GENERAL_ONBOARDING
    ]


def test_a_provider_who_has_not_started_has_blank_progress(provider):
    progress = training_progress(provider)
    assert (progress.webinar_completed_at, progress.quiz_passed_at, progress.is_done) == (None, None, False)
    assert not TrainingProgress.objects.exists()


def progress_rows(count: int) -> None:
    for index in range(count):
        provider = ProviderFactory()
        webinar_mark_watched(provider=provider)
        if index % 2:
            quiz_mark_passed(provider=provider)


def test_staff_see_training_progress_read_only_in_admin(client, django_assert_num_queries):
    client.force_login(staff_user("support@alma.test", "view_trainingprogress"))
    url = reverse("admin:training_trainingprogress_changelist")
    # Session, user, permissions (2), then the changelist's: count, total, one page of rows with
    # their providers joined. Nothing per row.
    progress_rows(3)
    with django_assert_num_queries(7):
        assert client.get(url).context["cl"].result_count == 3
    progress_rows(27)
    with django_assert_num_queries(7):
        page = client.get(url)
    assert page.context["cl"].result_count == 30

    row = TrainingProgress.objects.select_related("provider").first()
    assert escape(row.provider.legal_name) in page.text
    detail = client.get(reverse("admin:training_trainingprogress_change", args=[row.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    assert client.get(reverse("admin:training_trainingprogress_add")).status_code == 403
    assert client.post(reverse("admin:training_trainingprogress_delete", args=[row.pk])).status_code == 403
