"""Step 6: onboarding completes by itself, once, whatever the order of portal access, webinar and quiz."""

import itertools
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from onboarding.models import OnboardingStep, OutboxEmail
from portal import services as portal_services
from portal.services import completion
from tests.helpers import (
    COMPLETE_SUBJECT,
    PORTAL_ACCESS_SUBJECT,
    WEBINAR_SUBJECT,
    only_link,
    open_link,
    run_at_once,
    set_password,
    subjects,
)
from tests.pipeline import PASSWORD, completion_rows, grant_portal_access, provider_at_forms_approved
from training import emails as training_emails
from training.models import TrainingProgress
from training.services import quiz_mark_passed, webinar_mark_watched

EVENTS = {
    "portal access": grant_portal_access,
    "webinar": lambda provider: webinar_mark_watched(provider=provider),
    "quiz": lambda provider: quiz_mark_passed(provider=provider),
}


@pytest.mark.django_db
@pytest.mark.parametrize("order", list(itertools.permutations(EVENTS)), ids=" then ".join)
def test_every_order_completes_onboarding_once(order, django_capture_on_commit_callbacks, mailoutbox):
    provider = provider_at_forms_approved()
    mailoutbox.clear()

    for position, event in enumerate(order, start=1):
        with django_capture_on_commit_callbacks(execute=True):
            EVENTS[event](provider)
            EVENTS[event](provider)  # a repeat (a second viewing, a retaken quiz) changes nothing
        provider.refresh_from_db()
        done = position == len(order)
        assert (provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE) is done
        assert subjects(mailoutbox).count(COMPLETE_SUBJECT) == int(done)

    # Whatever comes later changes nothing either.
    with django_capture_on_commit_callbacks(execute=True):
        for event in order:
            EVENTS[event](provider)
        portal_services.onboarding_complete_if_done(provider=provider)

    assert subjects(mailoutbox).count(COMPLETE_SUBJECT) == 1
    [row] = completion_rows(provider)
    assert (row.key, row.to_email) == ("", provider.user.email)
    [event] = provider.onboarding_events.filter(to_step=OnboardingStep.ONBOARDING_COMPLETE)
    assert event.from_step == OnboardingStep.PORTAL_ACCESS_GRANTED
    assert event.actor is None  # automatic
    # PRODUCT.md: the webinar email is skipped when the training was done before step 4.
    expects_webinar_email = order[-1] != "portal access"
    assert subjects(mailoutbox).count(WEBINAR_SUBJECT) == int(expects_webinar_email)
    if expects_webinar_email:
        assert subjects(mailoutbox).index(WEBINAR_SUBJECT) < subjects(mailoutbox).index(COMPLETE_SUBJECT)


@pytest.mark.django_db
def test_training_done_early_means_the_completion_email_follows_the_password_directly(
    make_provider, django_capture_on_commit_callbacks, mailoutbox
):
    # PRODUCT.md: the webinar and quiz may be done any time after step 0.
    provider = make_provider()
    webinar_mark_watched(provider=provider)
    quiz_mark_passed(provider=provider)
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED  # steps 1-4 still to come

    with django_capture_on_commit_callbacks(execute=True):
        provider_at_forms_approved(provider)
    assert not completion_rows(provider).exists()
    [portal_email] = [m for m in mailoutbox if m.subject == PORTAL_ACCESS_SUBJECT]
    mailoutbox.clear()

    cache.clear()  # allauth's rate limits
    browser = Client()
    page = open_link(browser, only_link(portal_email.body))
    with django_capture_on_commit_callbacks(execute=True):
        set_password(browser, page, PASSWORD)

    assert subjects(mailoutbox) == [COMPLETE_SUBJECT]
    assert not OutboxEmail.objects.filter(provider=provider, step=training_emails.WEBINAR).exists()
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    assert list(provider.onboarding_events.values_list("to_step", flat=True))[-2:] == [
        OnboardingStep.PORTAL_ACCESS_GRANTED,
        OnboardingStep.ONBOARDING_COMPLETE,
    ]


@pytest.mark.django_db
def test_half_the_training_done_early_the_webinar_email_says_what_is_left(
    make_provider, django_capture_on_commit_callbacks, mailoutbox
):
    provider = make_provider()
    webinar_mark_watched(provider=provider)
    provider_at_forms_approved(provider)
    with django_capture_on_commit_callbacks(execute=True):
        grant_portal_access(provider)

    [email] = [m for m in mailoutbox if m.subject == WEBINAR_SUBJECT]
    assert "You've already watched the webinar: the quiz is the one thing left." in email.body
    assert "Take the quiz" in email.alternatives[0][0]
    assert provider.onboarding_step == OnboardingStep.PORTAL_ACCESS_GRANTED


class Late:
    """Makes chosen callers read the provider, then pause before reading the training.

    Without the provider lock, such a caller would still believe the provider waits at step 4
    after another caller has completed onboarding, and would complete it a second time.
    """

    def __init__(self) -> None:
        self.callers = threading.local()
        self.real_check = completion.training_is_done

    def check(self, provider) -> bool:
        if getattr(self.callers, "late", False):
            time.sleep(0.3)
        return self.real_check(provider)

    def __call__(self, function):
        def late_caller():
            self.callers.late = True
            function()

        return late_caller


@pytest.mark.django_db(transaction=True)
def test_concurrent_completion_checks_send_one_completion_email():
    provider = grant_portal_access(provider_at_forms_approved())
    webinar_mark_watched(provider=provider)
    mail.outbox = []
    late = Late()

    with mock.patch.object(completion, "training_is_done", late.check):
        run_at_once(
            lambda: quiz_mark_passed(provider=provider),
            late(lambda: portal_services.onboarding_complete_if_done(provider=provider)),
            late(lambda: portal_services.onboarding_complete_if_done(provider=provider)),
            late(lambda: webinar_mark_watched(provider=provider)),
        )

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    assert completion_rows(provider).count() == 1
    assert subjects(mail.outbox) == [COMPLETE_SUBJECT]
    assert provider.onboarding_events.filter(to_step=OnboardingStep.ONBOARDING_COMPLETE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_webinar_and_the_quiz_finishing_at_once_complete_onboarding_once():
    provider = grant_portal_access(provider_at_forms_approved())
    mail.outbox = []
    late = Late()

    with mock.patch.object(completion, "training_is_done", late.check):
        run_at_once(
            lambda: webinar_mark_watched(provider=provider),
            late(lambda: quiz_mark_passed(provider=provider)),
        )

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    assert TrainingProgress.objects.get(provider=provider).is_done
    assert subjects(mail.outbox) == [COMPLETE_SUBJECT]


@pytest.mark.django_db(transaction=True)
def test_portal_access_and_the_quiz_landing_at_once_send_one_completion_email():
    provider = provider_at_forms_approved()
    webinar_mark_watched(provider=provider)
    provider.user.set_password(PASSWORD)
    provider.user.save(update_fields=["password"])
    mail.outbox = []
    late = Late()

    with mock.patch.object(completion, "training_is_done", late.check):
        run_at_once(
            lambda: portal_services.portal_access_grant(provider=provider),
            late(lambda: quiz_mark_passed(provider=provider)),
        )

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ONBOARDING_COMPLETE
    assert completion_rows(provider).count() == 1
    assert subjects(mail.outbox).count(COMPLETE_SUBJECT) == 1
