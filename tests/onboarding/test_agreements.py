"""Step 0: recording a signed agreement creates the provider and queues the first email."""

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction

from onboarding import emails as onboarding_emails
from onboarding import services
from onboarding.errors import ProviderAlreadyExists
from onboarding.models import MembershipAgreement, OnboardingStep, OutboxEmail, Provider
from tests.helpers import NEW_YORK

pytestmark = pytest.mark.django_db


def record(**overrides):
    values = {
        "legal_name": "Ada Brennan",
        "email": "Ada.Brennan@Example.com",
        "license_type": "LMFT",
        "contracted_start_date": dt.date(2026, 12, 14),
        "signed_at": dt.datetime(2026, 11, 20, 9, 0, tzinfo=NEW_YORK),
        "source": MembershipAgreement.Source.ADMIN,
    }
    return services.agreement_record(**values | overrides)


def test_agreement_creates_provider_without_password_and_queues_first_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    friday_5pm = dt.datetime(2026, 11, 20, 17, 0, tzinfo=NEW_YORK)
    with django_capture_on_commit_callbacks(execute=True):
        provider = record(now=friday_5pm)

    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED
    assert provider.user.email == "ada.brennan@example.com"
    assert not provider.user.has_usable_password()
    assert EmailAddress.objects.get(user=provider.user).verified
    [event] = provider.onboarding_events.all()
    assert (event.from_step, event.to_step) == ("", OnboardingStep.ACCOUNT_CREATED)

    row = OutboxEmail.objects.get(provider=provider)
    assert row.step == onboarding_emails.GENERAL_ONBOARDING
    assert row.due_at == dt.datetime(2026, 11, 23, 17, 0, tzinfo=NEW_YORK)  # Friday 17:00 + 1 business day
    assert row.sent_at is not None

    [message] = mailoutbox
    assert message.to == ["ada.brennan@example.com"]
    assert "General Onboarding form" in message.subject
    assert message.extra_headers["Message-ID"] == row.message_id
    html = message.alternatives[0][0]
    assert f"/onboarding/{provider.public_id}/general-onboarding/" in message.body
    assert f"/onboarding/{provider.public_id}/general-onboarding/" in html


def test_the_same_email_cannot_sign_twice():
    record()
    with pytest.raises(ProviderAlreadyExists, match="already has an account"):
        record(email="ADA.BRENNAN@example.com", legal_name="Someone Else")
    assert Provider.objects.count() == 1


def test_a_rolled_back_transition_leaves_no_row_and_sends_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    class AbortError(Exception):
        pass

    def record_then_fail():
        with transaction.atomic():
            record()
            raise AbortError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AbortError):
        record_then_fail()

    assert not Provider.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert mailoutbox == []


def test_plain_text_emails_are_not_html_escaped(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        record(legal_name="Siobhan O'Brien & Co")
    [message] = mailoutbox
    assert "Hi Siobhan O'Brien & Co," in message.body
    assert "O&#x27;Brien &amp; Co" in message.alternatives[0][0]  # the HTML part stays escaped
