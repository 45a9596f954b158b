"""Unenrolling from a payer says first what it will do (issue 12: from the only approved payer it
took the live profile offline with no warning and no email, and the roster kept that payer's
clients unflagged): the profile, the roster clients it affects; afterwards those clients are
flagged and the provider receives exactly one email about it."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from credentialing.emails import PAYER_UNENROLLED
from credentialing.models import ApplicationStatus, PayerApplication
from directory import emails as directory_emails
from directory.models import DirectoryProfile
from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from practice.models import Client
from tests.credentialing_factories import PayerFactory, make_application
from tests.directory_factories import committed, make_live_provider
from tests.helpers import attribute_of, element, elements, text_at, text_of
from tests.practice_factories import add_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(client):
    provider = make_live_provider()
    client.force_login(provider.user)
    return provider


def unenroll_url(application):
    return reverse("insurance:unenroll", args=[application.payer.slug])


def consequences(html) -> dict[str, str]:
    found = element(html, "#unenroll-consequences")
    return {
        str(attribute_of(li, "data-consequence")): text_of(li)
        for li in elements(found, "li[data-consequence]")
    }


def emails_about_it(provider) -> list[OutboxEmail]:
    return list(
        OutboxEmail.objects.filter(
            provider=provider, step__in=[PAYER_UNENROLLED, directory_emails.PROFILE_TAKEN_DOWN]
        )
    )


def test_the_only_payer_warns_the_profile_goes_offline_and_lists_the_clients(client, live):
    application = PayerApplication.objects.get(provider=live)
    payer = application.payer
    on_payer = [
        add_client(live, payer=payer, n=1, first_name="Maya", last_name="Okafor"),
        add_client(live, payer=payer, n=2, first_name="Ben", last_name="Adams"),
    ]
    add_client(live, n=3)  # cash-pay: not affected

    page = client.get(unenroll_url(application)).text
    said = consequences(page)
    assert said["profile_offline"] == (
        "Your directory profile will be taken offline at once until another payer approves you: "
        "you have no other payer in effect."
    )
    assert said["roster_clients"].startswith(f"2 clients on your roster have {payer.name} insurance.")
    assert [text_of(li) for li in elements(page, "li[data-affected-client]")] == ["Ben Adams", "Maya Okafor"]

    with committed():
        client.post(unenroll_url(application))
    assert not DirectoryProfile.objects.get(provider=live).is_live
    roster = client.get(reverse("practice:clients")).text
    flagged = {attribute_of(row, "data-client") for row in elements(roster, "tr[data-payer-ended]")}
    assert flagged == {str(c.pk) for c in on_payer}
    assert (
        text_at(roster, "[data-flag=payer-ended]")
        == "Payer ended: update their insurance or arrange cash-pay."
    )
    # Exactly one email about it: the directory's "profile taken down", saying why.
    [email] = emails_about_it(live)
    assert email.step == directory_emails.PROFILE_TAKEN_DOWN


def test_with_another_payer_the_profile_stays_live_and_one_unenroll_email_names_it_all(client, live):
    other = PayerFactory(name="Cedar Mutual")
    make_application(
        provider=live, payer=other, status=ApplicationStatus.APPROVED, effective_date=timezone.localdate()
    )
    application = PayerApplication.objects.exclude(payer=other).get(provider=live)
    add_client(live, payer=application.payer, n=1)

    said = consequences(client.get(unenroll_url(application)).text)
    assert (
        said["profile_stays_live"]
        == "Your directory profile stays live: Cedar Mutual still has you in network."
    )
    assert "profile_offline" not in said

    with committed():
        client.post(unenroll_url(application))
    assert DirectoryProfile.objects.get(provider=live).is_live
    [email] = emails_about_it(live)
    assert email.step == PAYER_UNENROLLED
    outbox_sweep()
    [message] = [m for m in mail.outbox if m.to == [live.email] and "You unenrolled from" in m.subject]
    body = " ".join(message.body.split())
    assert f"You are out-of-network with {application.payer.name} from today" in body
    assert "Your directory profile is still live: Cedar Mutual still has you in network." in body
    assert f"1 client on your roster has {application.payer.name} insurance. We flagged them" in body
    assert "Client1" not in body  # no client names in email


def test_updating_a_flagged_clients_payment_clears_the_flag(client, live):
    application = PayerApplication.objects.get(provider=live)
    flagged = add_client(live, payer=application.payer)
    with committed():
        client.post(unenroll_url(application))
    assert Client.objects.get(pk=flagged.pk).payer_ended_at is not None
    edit = reverse("practice:client_edit", args=[flagged.pk])
    assert "Payer ended" in text_at(client.get(edit).text, "#payer-ended-note")
    response = client.post(
        edit,
        {
            "first_name": flagged.first_name,
            "last_name": flagged.last_name,
            "email": flagged.email,
            "payment_method": "cash_pay",
            "payer": "",
        },
    )
    assert response.status_code == 302
    assert Client.objects.get(pk=flagged.pk).payer_ended_at is None


def test_a_future_approval_says_until_when(client, live):
    later = timezone.localdate() + dt.timedelta(days=14)
    make_application(
        provider=live,
        payer=PayerFactory(name="Cedar Mutual"),
        status=ApplicationStatus.APPROVED,
        effective_date=later,
    )
    application = PayerApplication.objects.get(provider=live, effective_date__lte=timezone.localdate())
    said = consequences(client.get(unenroll_url(application)).text)
    assert said["profile_offline"].startswith(
        f"Your directory profile will be taken offline at once until {later:%b} {later.day}, {later.year}"
    )
