"""The provider's dashboard card "Credentialing decision", and recredentialing on staff's
expirables list."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from onboarding.services import outbox_sweep
from tests.decision_factories import decide
from tests.factories import ProviderFactory
from tests.helpers import elements, staff_user, text_at, text_of
from verification.models import CredentialingDecision
from verification.selectors.decisions import provider_credentialing, standing_approvals
from verification.services.recredentialing import recredentialing_reminders_queue

pytestmark = pytest.mark.django_db

PAGE = "/portal/onboarding/"


def at(day: dt.date, hour: int = 16) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def card(client) -> str:
    html = client.get(PAGE).text
    return (
        text_at(html, "section#credentialing-decision")
        if elements(html, "section#credentialing-decision")
        else ""
    )


@pytest.fixture
def provider_client(client):
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        provider = ProviderFactory(legal_name="Ada Brennan")
    client.force_login(provider.user)
    return provider, client


def test_no_card_before_any_decision(provider_client):
    _, client = provider_client
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        assert card(client) == ""


def test_an_approval_shows_its_date_and_the_recredentialing_due_date(provider_client):
    provider, client = provider_client
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        decide(provider, decided_on=dt.date(2026, 7, 1))
        assert (
            card(client) == "Credentialing decision Approved on Jul 1, 2026. Recredentialing due Jul 1, 2029."
        )
    with time_machine.travel(at(dt.date(2029, 5, 1)), tick=False):  # 61 days before: open
        client.force_login(provider.user)  # three years on: a fresh session
        html = client.get(PAGE).text
        assert "Recredentialing due Jul 1, 2029 (in 61 days)." in text_at(html, "#recredentialing-due")
        assert "Confirm your credentialing details" in text_at(html, "section#credentialing-decision")
    with time_machine.travel(at(dt.date(2029, 7, 10)), tick=False):
        client.force_login(provider.user)
        assert "Please confirm your details by Jul 31, 2029" in card(client)
    with time_machine.travel(at(dt.date(2029, 8, 1)), tick=False):
        client.force_login(provider.user)
        assert "you will be credentialed from the start again" in card(client)


def test_a_denial_and_a_deferral_say_why_in_plain_words(provider_client):
    provider, client = provider_client
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        decide(provider, decided_on=dt.date(2026, 6, 1), outcome="deferred", reason="The NPDB answer.")
        assert card(client) == (
            "Credentialing decision Deferred on Jun 1, 2026: the committee will decide later. "
            "What it is waiting for: The NPDB answer."
        )
        decide(
            provider, decided_on=dt.date(2026, 7, 1), outcome="denied", reason="Your licence is suspended."
        )
        text = card(client)
        assert text.startswith("Credentialing decision Not approved on Jul 1, 2026.")
        assert "The committee's reason: Your licence is suspended." in text
        assert "Recredentialing" not in text


def test_a_deferred_recredentialing_keeps_the_standing_approvals_due_date(provider_client):
    provider, client = provider_client
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        decide(provider, decided_on=dt.date(2023, 8, 1))  # due Aug 1, 2026
        decide(provider, decided_on=dt.date(2026, 7, 1), outcome="deferred", reason="New licence to verify.")
        text = card(client)
    assert "Deferred on Jul 1, 2026" in text
    assert "Recredentialing due Aug 1, 2026 (in 31 days)." in text


def test_the_team_notice_is_not_on_the_providers_timeline(provider_client):
    provider, client = provider_client
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        decide(provider, decided_on=dt.date(2023, 9, 1))  # due Sep 1, 2026: the 90-day reminder is due
        recredentialing_reminders_queue()
        outbox_sweep()
        timeline = text_at(client.get(PAGE).text, "section#timeline")
    assert "We emailed you: your recredentialing is coming up" in timeline
    assert "credentialing team" not in timeline  # the team's copy went to settings.CREDENTIALING_TEAM_EMAIL


def test_staff_see_recredentialing_on_the_expirables_list(client):
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        soon = ProviderFactory(legal_name="Cal Soon")
        later = ProviderFactory(legal_name="Dee Later")
        decide(soon, decided_on=dt.date(2023, 10, 1))  # due Oct 1, 2026: 92 days
        decide(later, decided_on=dt.date(2024, 1, 2))  # due Jan 2, 2027: 185 days, not yet
        client.force_login(staff_user("cred@alma.test", "view_insuranceform"))
        page = text_of(client.get(reverse("admin:expiring")).text)
    row = "Thu 1 Oct 2026 92 Recredentialing (every 36 months) Approved Oct 1, 2023; recredentialing due"
    assert f"{row} Cal Soon" in page
    assert "Dee Later" not in page


HISTORIES = {
    "an approval": [("approved", dt.date(2024, 3, 1))],
    "an approval, then deferrals": [
        ("approved", dt.date(2023, 8, 1)),
        ("deferred", dt.date(2026, 6, 1)),
        ("deferred", dt.date(2026, 6, 20)),
    ],
    "an approval, then a denial": [("approved", dt.date(2023, 8, 1)), ("denied", dt.date(2026, 6, 1))],
    "a denial, then an approval": [("denied", dt.date(2025, 1, 5)), ("approved", dt.date(2026, 2, 1))],
    "only deferrals": [("deferred", dt.date(2026, 5, 1)), ("deferred", dt.date(2026, 6, 1))],
    "two approvals on one day": [("approved", dt.date(2026, 6, 1)), ("approved", dt.date(2026, 6, 1))],
}


def test_the_dashboards_standing_approval_is_the_recredentialing_sweeps_in_every_history():
    # The dashboard finds the standing approval among one provider's decisions; the reminders
    # and the expirables list find it in SQL for everyone (standing_approvals): the same one.
    with time_machine.travel(at(dt.date(2026, 7, 1)), tick=False):
        for name, history in HISTORIES.items():
            provider = ProviderFactory(legal_name=name)
            for outcome, day in history:
                decide(provider, outcome=outcome, decided_on=day, reason="Recorded for the test.")
            shown = provider_credentialing(provider, today=dt.date(2026, 7, 1))
            swept = list(
                standing_approvals()
                .filter(provider=provider)
                .values_list("recredentialing_due_on", flat=True)
            )
            assert shown is not None, name
            assert ([shown.recredentialing.due_on] if shown.recredentialing else []) == swept, name
            assert shown.latest == CredentialingDecision.objects.filter(provider=provider).latest(
                "decided_on", "pk"
            )
