"""Review fixes on the decision (issue 13): no approval over a confirmed exclusion match, limits
on backdating, an offboarded provider off the recredentialing clock, and the standing approval
on the dashboard and in the export however many deferrals or a later denial."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from directory.models import DirectoryProfile
from exclusions import services as exclusion_services
from exclusions.models import ExclusionCase
from onboarding.models import OutboxEmail
from portal.sla import sla_board
from tests.decision_factories import committee_member, decide, file_verified_on
from tests.directory_factories import make_live_provider
from tests.exclusions_factories import import_leie, leie_row, leie_rows
from tests.factories import ProviderFactory
from tests.helpers import staff_user, text_at, text_of
from verification import emails
from verification.errors import ConfirmedExclusion, DecisionDateRefused
from verification.export import credentialing_file
from verification.models import CredentialingDecision
from verification.readiness import MAX_BACKDATE_DAYS, backdating_problem
from verification.services.decisions import decision_record
from verification.services.recredentialing import recredentialing_reminders_queue

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 7, 1)
NOW = dt.datetime(2026, 7, 1, 16, tzinfo=dt.UTC)
Outcome = CredentialingDecision.Outcome
RIVERA = {"LASTNAME": "RIVERA", "FIRSTNAME": "JORDAN", "DOB": "19840314", "STATE": "NY"}


def at(day: dt.date, hour: int = 16) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def admin_member():
    return staff_user(
        "admin.member@alma.test",
        "verification.record_credentialing_decision",
        "verification.override_file_readiness",
    )


def record(provider, *, actor, outcome=Outcome.APPROVED, decided_on=TODAY, **kw):
    with file_verified_on(decided_on - dt.timedelta(days=1)):
        return decision_record(
            provider=provider,
            outcome=outcome,
            decided_on=decided_on,
            reason="Committee reason.",
            actor=actor,
            **kw,
        )


# 1. A confirmed exclusion match


def test_an_admin_override_cannot_approve_a_confirmed_exclusion_match_but_may_deny(tmp_path, admin_member):
    with time_machine.travel(NOW, tick=False):
        provider = make_live_provider(legal_name="Jordan Rivera")
        import_leie(tmp_path, [leie_row(**RIVERA, EXCLTYPE="1128a1", EXCLDATE="20190520"), *leie_rows(2)])
        exclusion_services.exclusions_run()
        case = ExclusionCase.objects.get(provider=provider)
        exclusion_services.case_confirm(
            case=case,
            actor=staff_user("cred@alma.test", "exclusions.decide_exclusioncase"),
            reason="Same person.",
        )

        with pytest.raises(ConfirmedExclusion, match="confirmed exclusion match"):
            record(provider, actor=admin_member, override_reason="The board says it is fine.")
        assert not CredentialingDecision.objects.filter(provider=provider).exists()

        denial = record(provider, actor=admin_member, outcome=Outcome.DENIED, override_reason="Excluded.")
        assert denial.outcome == Outcome.DENIED


# 3. Backdating


@pytest.mark.parametrize(
    ("days_back", "latest_days_back", "refused"),
    [
        (0, None, False),
        (MAX_BACKDATE_DAYS, None, False),  # day 30: still allowed
        (MAX_BACKDATE_DAYS + 1, None, True),
        (5, 3, True),  # before the latest decision
        (3, 3, False),  # the same day as the latest
        (2, 3, False),
    ],
)
def test_backdating_is_limited_to_30_days_and_never_before_the_latest_decision(
    days_back, latest_days_back, refused
):
    latest = TODAY - dt.timedelta(days=latest_days_back) if latest_days_back is not None else None
    problem = backdating_problem(TODAY - dt.timedelta(days=days_back), today=TODAY, latest_decided_on=latest)
    assert bool(problem) is refused


def test_a_committee_member_cannot_backdate_further_but_an_admin_may_with_a_reason(admin_member):
    with time_machine.travel(NOW, tick=False):
        provider = ProviderFactory()
        old = TODAY - dt.timedelta(days=MAX_BACKDATE_DAYS + 1)
        with pytest.raises(DecisionDateRefused, match="more than 30 days ago"):
            record(provider, actor=committee_member(), decided_on=old)

        decision = record(
            provider, actor=admin_member, decided_on=old, override_reason="Paper minutes found late."
        )
        assert (decision.override_reason, decision.overridden_by) == (
            "Paper minutes found late.",
            admin_member,
        )

        with pytest.raises(DecisionDateRefused, match="before the provider's latest decision"):
            record(
                provider, actor=committee_member(), decided_on=old - dt.timedelta(days=1), outcome="deferred"
            )


def test_the_decisions_list_shows_when_each_decision_was_recorded(client):
    with time_machine.travel(NOW, tick=False):
        provider = ProviderFactory(legal_name="Ada Brennan")
        decide(provider, decided_on=TODAY - dt.timedelta(days=2))
        client.force_login(staff_user("viewer@alma.test", "verification.view_credentialingdecision"))
        html = client.get(reverse("admin:verification_credentialingdecision_changelist")).text
    assert "Recorded at" in text_of(html)


# 2. Offboarded providers leave the clock


def offboarded_approved():
    provider = make_live_provider(legal_name="Olive Gone")
    decide(provider, decided_on=dt.date(2023, 9, 1))  # due Sep 1, 2026
    DirectoryProfile.objects.filter(provider=provider).update(offboarded_at=NOW)
    return provider


def test_an_offboarded_provider_gets_no_recredentialing_reminder():
    with time_machine.travel(NOW, tick=False):
        gone = offboarded_approved()
        staying = ProviderFactory(legal_name="Stella Stays")
        decide(staying, decided_on=dt.date(2023, 9, 1))
        recredentialing_reminders_queue(now=NOW)
    kinds = [emails.RECREDENTIALING_REMINDER, emails.RECREDENTIALING_REMINDER_STAFF]
    assert not OutboxEmail.objects.filter(step__in=kinds, provider=gone).exists()
    assert OutboxEmail.objects.filter(step__in=kinds, provider=staying).exists()


def test_an_offboarded_provider_past_due_is_not_on_the_sla_board():
    with time_machine.travel(NOW, tick=False):
        gone = offboarded_approved()
        staying = ProviderFactory(legal_name="Stella Stays")
        decide(staying, decided_on=dt.date(2023, 9, 1))
    board = sla_board(now=at(dt.date(2026, 9, 10)))
    flagged = [p.provider for p in board.overdue + board.at_risk if p.kind == "Recredentialing"]
    assert flagged == [staying.legal_name]
    assert gone.legal_name not in flagged


# 4. The dashboard after many deferrals


def test_six_deferrals_after_an_approval_keep_the_recredentialing_clock_on_the_dashboard(client):
    with time_machine.travel(NOW, tick=False):
        provider = ProviderFactory(legal_name="Ada Brennan")
        decide(provider, decided_on=dt.date(2023, 8, 1))  # due Aug 1, 2026
        for n in range(6):
            decide(
                provider, decided_on=TODAY - dt.timedelta(days=5 - n), outcome="deferred", reason="Waiting."
            )
        client.force_login(provider.user)
        text = text_at(client.get("/portal/onboarding/").text, "section#credentialing-decision")
    assert "Deferred on Jul 1, 2026" in text
    assert "Recredentialing due Aug 1, 2026" in text


# 5. The export after a later denial


def test_the_export_shows_no_recredentialing_date_after_a_later_denial():
    with time_machine.travel(NOW, tick=False):
        provider = ProviderFactory(legal_name="Ada Brennan")
        decide(provider, decided_on=dt.date(2024, 7, 1))
        decide(provider, decided_on=TODAY, outcome="denied", reason="Licence revoked.")
        data = credentialing_file(provider, now=NOW).data
    assert data["recredentialing"]["due_on"] is None
    assert data["recredentialing"]["last_approved_on"] == dt.date(2024, 7, 1)
