"""A live profile that leaves the directory is followed by an email saying why and what happens
next: once per take-down (keyed by its UNPUBLISHED event), never on offboarding
(directory/emails.py), in the publishing run's one INSERT of emails."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from credentialing.models import PayerApplication
from credentialing.services import applications as credentialing
from directory import emails as directory_emails
from directory import services as directory
from directory.golive import day_label
from directory.models import DirectoryProfile, ProfileEvent
from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import committed, make_live_provider
from tests.helpers import days_ago

pytestmark = pytest.mark.django_db

SUBJECT = "Your Alma directory profile is no longer listed"


@pytest.fixture
def live():
    """Live since its effective date ten days ago: approved payer, training done."""
    provider = make_live_provider()
    assert DirectoryProfile.objects.get(provider=provider).is_live
    return provider


def taken_down_rows(provider):
    return list(
        OutboxEmail.objects.filter(provider=provider, step=directory_emails.PROFILE_TAKEN_DOWN).order_by("pk")
    )


def taken_down_message(provider):
    outbox_sweep()
    [message] = [m for m in mail.outbox if m.to == [provider.email] and m.subject == SUBJECT]
    return message, " ".join(message.body.split())


def test_withdrawing_the_only_payer_emails_why_the_profile_came_down(client, live):
    with committed():
        credentialing.application_withdraw(
            application=PayerApplication.objects.get(provider=live), actor=None
        )

    [row] = taken_down_rows(live)
    [event] = ProfileEvent.objects.filter(profile__provider=live, kind=ProfileEvent.Kind.UNPUBLISHED)
    assert row.key == f"event-{event.pk}"
    message, body = taken_down_message(live)
    assert "Why: No insurance payer has you in network any more" in body
    assert "What happens next: Your profile goes live once your first insurance payer approves you" in body
    assert "payer application was withdrawn" in message.alternatives[0][0]
    # The button opens the provider's own profile page in the portal.
    [link] = [word for word in message.body.split() if word.startswith(settings.SITE_URL)]
    client.force_login(live.user)
    assert client.get(link.removeprefix(settings.SITE_URL)).status_code == 200

    # The sweep runs again, twice: nothing changes, nothing more is queued.
    directory.profiles_publish_due()
    directory.profiles_publish_due()
    assert len(taken_down_rows(live)) == 1


def test_a_later_go_live_date_is_the_reason_when_the_earliest_payer_goes(live):
    later = timezone.localdate() + dt.timedelta(days=14)
    with committed():
        make_application(provider=live, payer=PayerFactory(), status="approved", effective_date=later)
    earliest = PayerApplication.objects.get(provider=live, effective_date=days_ago(10))
    with committed():
        credentialing.application_withdraw(application=earliest, actor=None)

    [row] = taken_down_rows(live)
    assert row.context["why"] == f"Your go-live date has moved to {day_label(later)}, which is still ahead."
    _, body = taken_down_message(live)
    assert f"Your profile is listed again on {day_label(later)}." in body


def test_each_time_staff_hide_the_profile_is_one_email(live, admin_user):
    profile = DirectoryProfile.objects.get(provider=live)
    directory.profile_hide(profile=profile, actor=admin_user, reason="Photo under review")
    directory.profile_hide(profile=profile, actor=admin_user, reason="Photo under review")  # already hidden
    assert len(taken_down_rows(live)) == 1
    _, body = taken_down_message(live)
    assert "Why: Our team has hidden your profile from the directory." in body
    assert "Contact Member Support to find out why" in body
    # The staff's own note is not sent to the provider.
    assert "Photo under review" not in body

    directory.profile_unhide(profile=profile, actor=admin_user)
    directory.profile_hide(profile=profile, actor=admin_user, reason="Licence check")
    first, second = taken_down_rows(live)
    assert first.key != second.key


def test_offboarding_sends_no_take_down_email(live, admin_user):
    profile = DirectoryProfile.objects.get(provider=live)
    directory.profile_offboard(profile=profile, actor=admin_user, reason="Left the practice")
    assert not DirectoryProfile.objects.get(provider=live).is_live
    assert taken_down_rows(live) == []
