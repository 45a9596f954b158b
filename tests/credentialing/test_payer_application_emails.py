"""The provider is emailed when a payer application is submitted, approved (with its effective
date) or denied (with its reason): one outbox row per event, queued in the move's transaction
(PRODUCT.md, "Promises the provider can see"; credentialing/emails.py)."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail

from credentialing import emails as credentialing_emails
from credentialing.errors import InvalidApplicationTransition
from credentialing.models import ApplicationStatus
from credentialing.services import applications as services
from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import ProviderFactory
from tests.helpers import NEW_YORK

pytestmark = pytest.mark.django_db

S = ApplicationStatus
# Every date below is computed from these moments, never from today.
SUBMITTED_AT = dt.datetime(2026, 5, 4, 10, 0, tzinfo=NEW_YORK)
DECIDED_AT = dt.datetime(2026, 6, 1, 15, 30, tzinfo=NEW_YORK)
EFFECTIVE = dt.date(2026, 7, 1)
DECISION_KINDS = (
    credentialing_emails.APPLICATION_SUBMITTED,
    credentialing_emails.APPLICATION_APPROVED,
    credentialing_emails.APPLICATION_DENIED,
)


@pytest.fixture
def payer():
    return PayerFactory(name="Evergreen Health")


def rows(provider, kind=None):
    emails = OutboxEmail.objects.filter(provider=provider, step__in=[kind] if kind else DECISION_KINDS)
    return list(emails.order_by("created_at", "pk"))


def sent_email(provider, subject):
    outbox_sweep()
    [message] = [m for m in mail.outbox if m.to == [provider.email] and m.subject == subject]
    return message


def action_path(message) -> str:
    [link] = [word for word in message.body.split() if word.startswith(settings.SITE_URL)]
    return link.removeprefix(settings.SITE_URL)


def test_a_submission_emails_the_provider_once_with_the_expected_decision_date(client, payer):
    provider = ProviderFactory()
    requested = make_application(provider=provider, payer=payer, status=S.REQUESTED)
    assert rows(provider) == []  # the provider asked for it themselves: nothing to tell them

    application = services.application_submit(application=requested, actor=None, now=SUBMITTED_AT)
    with pytest.raises(InvalidApplicationTransition):  # the same move again is refused...
        services.application_submit(application=application, actor=None, now=SUBMITTED_AT)
    [row] = rows(provider)  # ...and queues nothing
    assert row.step == credentialing_emails.APPLICATION_SUBMITTED
    assert row.due_at > SUBMITTED_AT

    message = sent_email(provider, "We sent your application to Evergreen Health")
    body = " ".join(message.body.split())
    # 45 days after May 4: the payer's decision clock (credentialing.decision_clock).
    assert "we expect to hear by June 18, 2026" in body
    assert "Evergreen Health" in message.alternatives[0][0]
    # The button opens the provider's Insurance & Directories page, where the payer is listed.
    client.force_login(provider.user)
    page = client.get(action_path(message))
    assert page.status_code == 200
    assert "Evergreen Health" in page.text


def test_an_approval_emails_its_effective_date_once(payer):
    provider = ProviderFactory()
    submitted = make_application(provider=provider, payer=payer, status=S.SUBMITTED)
    approved = services.application_approve(
        application=submitted, effective_date=EFFECTIVE, actor=None, now=DECIDED_AT
    )
    with pytest.raises(InvalidApplicationTransition):
        services.application_approve(application=approved, effective_date=EFFECTIVE, actor=None)
    [row] = rows(provider, credentialing_emails.APPLICATION_APPROVED)
    assert row.context == {"payer": "Evergreen Health", "effective_date": "July 1, 2026"}

    message = sent_email(provider, "Evergreen Health approved you, effective July 1, 2026")
    body = " ".join(message.body.split())
    assert "You are in network with Evergreen Health from July 1, 2026." in body
    assert "July 1, 2026" in message.alternatives[0][0]


def test_a_denial_emails_the_payers_reason_once(payer):
    provider = ProviderFactory()
    submitted = make_application(provider=provider, payer=payer, status=S.SUBMITTED)
    reason = "Our panel for LCSWs in New Jersey is full until January."
    services.application_deny(application=submitted, reason=reason, actor=None, now=DECIDED_AT)
    with pytest.raises(InvalidApplicationTransition):
        services.application_deny(application=submitted, reason=reason, actor=None)
    [row] = rows(provider, credentialing_emails.APPLICATION_DENIED)
    assert row.context["reason"] == reason

    message = sent_email(provider, "Evergreen Health did not approve your application")
    assert reason in message.body
    assert reason in message.alternatives[0][0]
    assert "request credentialing with Evergreen Health again" in " ".join(message.body.split())


def test_an_application_decided_again_after_reopening_gets_one_email_per_event(payer):
    # Denied, requested again, submitted, approved, withdrawn, requested, submitted, approved: each
    # submission and decision is its own event with its own key.
    provider = ProviderFactory()
    application = make_application(provider=provider, payer=payer, status=S.DENIED)

    def request_submit_approve():
        again = services.application_request(provider=provider, payer=payer, actor=provider.user)
        again = services.application_submit(application=again, actor=None)
        return services.application_approve(application=again, effective_date=EFFECTIVE, actor=None)

    application = request_submit_approve()
    services.application_withdraw(application=application, actor=provider.user)
    application = request_submit_approve()

    kinds = [row.step for row in rows(provider)]
    assert kinds == [
        credentialing_emails.APPLICATION_SUBMITTED,
        credentialing_emails.APPLICATION_DENIED,
        credentialing_emails.APPLICATION_SUBMITTED,
        credentialing_emails.APPLICATION_APPROVED,
        credentialing_emails.APPLICATION_SUBMITTED,
        credentialing_emails.APPLICATION_APPROVED,
    ]
    events = application.events.filter(to_status__in=[S.SUBMITTED, S.APPROVED, S.DENIED]).order_by("pk")
    assert [row.key for row in rows(provider)] == [
        f"application-{application.pk}-event-{event.pk}" for event in events
    ]


def test_a_bulk_approval_emails_each_provider_it_moved_once(payer, django_capture_on_commit_callbacks):
    providers = [ProviderFactory() for _ in range(3)]
    ids = [make_application(provider=p, payer=payer, status=S.SUBMITTED).pk for p in providers]
    already_denied = make_application(provider=ProviderFactory(), payer=payer, status=S.DENIED)

    with (
        mock.patch("onboarding.tasks.send_unsent_emails.delay") as send_unsent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcome = services.application_approve_many(
            application_ids=[*ids, already_denied.pk], effective_date=EFFECTIVE, actor=None, now=DECIDED_AT
        )
    assert len(outcome.moved) == 3
    send_unsent.assert_called_once_with()  # one delivery task for the batch, not one per email
    # Run again: every row is refused, nothing new is queued.
    again = services.application_approve_many(application_ids=ids, effective_date=EFFECTIVE, actor=None)
    assert again.moved == []
    approved = OutboxEmail.objects.filter(step=credentialing_emails.APPLICATION_APPROVED)
    assert sorted(approved.values_list("provider_id", flat=True)) == sorted(p.pk for p in providers)
    assert rows(already_denied.provider, credentialing_emails.APPLICATION_APPROVED) == []


def test_a_bulk_denial_emails_the_reason_to_each_provider(payer):
    providers = [ProviderFactory() for _ in range(2)]
    ids = [make_application(provider=p, payer=payer, status=S.SUBMITTED).pk for p in providers]
    services.application_deny_many(application_ids=ids, reason="Not contracting in NY", actor=None)
    for provider in providers:
        [row] = rows(provider, credentialing_emails.APPLICATION_DENIED)
        assert row.context == {"payer": "Evergreen Health", "reason": "Not contracting in NY"}
