"""Step 2's invitation: onboarding announces the first General Onboarding submission
(onboarding.signals.general_onboarding_submitted) and credentialing, which owns the Insurance
Form email, queues it in the same transaction, due one business day later."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from alma.timekeeping import one_business_day_after
from credentialing import emails as credentialing_emails
from onboarding.models import OnboardingStep, OutboxEmail
from onboarding.services import general_onboarding_submit
from tests.factories import ProviderFactory, general_onboarding_answers

pytestmark = pytest.mark.django_db

SUBMITTED_AT = dt.datetime(2026, 11, 25, 16, 0, tzinfo=ZoneInfo("America/New_York"))  # before Thanksgiving


def invitations(provider):
    return OutboxEmail.objects.filter(provider=provider, step=credentialing_emails.INSURANCE_FORM)


def submit(provider):
    values = general_onboarding_answers(offers_telehealth=True)
    return general_onboarding_submit(provider=provider, values=values, actor=provider.user, now=SUBMITTED_AT)


def test_the_first_submission_queues_one_invitation_due_one_business_day_later():
    provider = ProviderFactory()
    submit(provider)
    [row] = invitations(provider)
    assert (row.created_at, row.due_at) == (SUBMITTED_AT, one_business_day_after(SUBMITTED_AT))
    assert row.due_at.date() == dt.date(2026, 11, 27)  # Thanksgiving is not a business day


def test_the_invitation_is_committed_with_the_submission_or_not_at_all():
    provider = ProviderFactory()
    with transaction.atomic():
        submit(provider)
        assert invitations(provider).exists()  # written inside the submission's transaction
        transaction.set_rollback(True)  # the request fails after the submission
    provider.refresh_from_db()
    assert provider.onboarding_step == OnboardingStep.ACCOUNT_CREATED
    assert not invitations(provider).exists()
