"""The training completes onboarding (step 6) whenever it comes: done through its pages before the
General Onboarding form, or done last from the webinar email, the provider gets exactly one
completion email, at the moment the last step is done."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from onboarding.models import OnboardingStep, OutboxEmail
from tests.helpers import COMPLETE_SUBJECT, WEBINAR_SUBJECT, subjects
from tests.pipeline import completion_rows, grant_portal_access, provider_at_forms_approved
from tests.training_factories import attempt_path, link_path, quiz_answers, quiz_post_data, start_quiz, watch
from training import emails as training_emails
from training.models import QuizAttempt, TrainingProgress

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webinar")]


def take_quiz(browser, provider, *, wrong: int) -> QuizAttempt:
    attempt = start_quiz(browser, provider)
    browser.post(attempt_path(provider, attempt), quiz_post_data(quiz_answers(attempt, wrong=wrong)))
    attempt.refresh_from_db()
    return attempt


def test_training_before_the_general_onboarding_form_completes_onboarding_right_after_portal_access(
    make_provider, traveller, django_capture_on_commit_callbacks, mailoutbox
):
    provider = make_provider()  # step 0 only: the General Onboarding form is still to come
    browser = Client()  # the training link, no password
    with django_capture_on_commit_callbacks(execute=True):
        watch(browser, link_path(provider, "webinar_progress"), traveller)
        take_quiz(browser, provider, wrong=0)
    assert TrainingProgress.objects.get(provider=provider).is_done
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED  # steps 1-4 still in order
    assert COMPLETE_SUBJECT not in subjects(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        provider_at_forms_approved(provider)  # the forms, then their approval
    assert COMPLETE_SUBJECT not in subjects(mailoutbox)
    mailoutbox.clear()

    traveller.shift(3600)
    with django_capture_on_commit_callbacks(execute=True):
        grant_portal_access(provider)
    # The completion email follows the password directly; no webinar email (PRODUCT.md step 4).
    assert subjects(mailoutbox) == [COMPLETE_SUBJECT]
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    [row] = completion_rows(provider)
    granted = provider.onboarding_events.get(to_step=OnboardingStep.PORTAL_ACCESS_GRANTED)
    assert row.created_at == granted.occurred_at
    assert not OutboxEmail.objects.filter(provider=provider, step=training_emails.WEBINAR).exists()


def test_training_done_last_from_the_webinar_email_sends_one_completion_email_when_the_quiz_is_passed(
    traveller, django_capture_on_commit_callbacks, mailoutbox
):
    provider = provider_at_forms_approved()
    with django_capture_on_commit_callbacks(execute=True):
        grant_portal_access(provider)
    [email] = [m for m in mailoutbox if m.subject == WEBINAR_SUBJECT]
    [link] = set(re.findall(r"https?://\S+", email.body))
    mailoutbox.clear()

    browser = Client()
    page = browser.get(urlsplit(link).path)
    progress_url = re.search(r'data-progress-url="([^"]+)"', page.text).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        watch(browser, progress_url, traveller)
        traveller.shift(600)
        failed = take_quiz(browser, provider, wrong=3)
    assert failed.passed is False
    assert mailoutbox == []  # watched, but the quiz not passed: not complete yet
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.PORTAL_ACCESS_GRANTED

    traveller.shift(600)
    with django_capture_on_commit_callbacks(execute=True):
        passed = take_quiz(browser, provider, wrong=0)
    assert subjects(mailoutbox) == [COMPLETE_SUBJECT]
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    [row] = completion_rows(provider)
    assert row.created_at == passed.submitted_at  # at the moment the quiz was passed

    # Taking it again, or watching again, sends nothing more.
    traveller.shift(600)
    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(browser, provider, wrong=0)
        watch(browser, progress_url, traveller)
    assert subjects(mailoutbox) == [COMPLETE_SUBJECT]
    assert completion_rows(provider).count() == 1
