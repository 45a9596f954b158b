"""The Credentialing Committee's decision: refused on a stale or missing file, a future date or
without the permission; an Admin's override is kept with its reason; the notice is queued once."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from tests.decision_factories import committee_member, decide, file_verified_on
from tests.factories import ProviderFactory
from tests.helpers import staff_user
from verification import emails
from verification.errors import (
    DecisionDateRefused,
    DecisionDetailsMissing,
    DecisionNotPermitted,
    FileNotReady,
)
from verification.models import CredentialingDecision
from verification.services.decisions import decision_record

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 1)
Outcome = CredentialingDecision.Outcome
Cycle = CredentialingDecision.Cycle


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin_member():
    return staff_user(
        "admin.member@alma.test",
        "verification.record_credentialing_decision",
        "verification.override_file_readiness",
    )


def record(provider, *, verified_on, actor=None, decided_on=TODAY, outcome=Outcome.APPROVED, **kw):
    with file_verified_on(verified_on):
        return decision_record(
            provider=provider,
            outcome=outcome,
            decided_on=decided_on,
            reason=kw.pop("reason", "Meets every criterion."),
            actor=actor or committee_member(),
            **kw,
        )


def notices(provider):
    return list(OutboxEmail.objects.filter(provider=provider, step=emails.CREDENTIALING_DECISION))


def notices_sent(provider):
    """The decision notices the mail server accepted for the provider (by their Message-ID)."""
    ids = {notice.message_id for notice in notices(provider)}
    return [m for m in mail.outbox if m.to == [provider.email] and m.extra_headers["Message-ID"] in ids]


def test_an_approval_on_a_fresh_file_is_recorded_with_its_snapshot_due_date_and_notice(provider):
    decision = record(provider, verified_on=TODAY - dt.timedelta(days=120))  # day 120: still fresh

    assert decision.outcome == Outcome.APPROVED
    assert decision.cycle == Cycle.INITIAL
    assert decision.recredentialing_due_on == dt.date(2029, 7, 1)
    assert decision.file_snapshot["ready"] is True
    assert [item["age_on_decision"] for item in decision.file_snapshot["items"]] == [120, 120]
    assert decision.overridden_by is None
    [notice] = notices(provider)
    assert notice.key == f"decision-{decision.pk}"
    assert notice.to_email == provider.email
    assert decision.notice_queued_at == NOW

    outbox_sweep()
    [message] = notices_sent(provider)
    assert message.subject == "You are credentialed with Alma"
    body = " ".join(message.body.split())
    assert "approved your credentialing file on July 1, 2026" in body
    assert "due by July 1, 2029" in body


def test_a_stale_item_is_refused_with_the_reason_and_nothing_is_written(provider):
    with pytest.raises(FileNotReady) as refused:
        record(provider, verified_on=TODAY - dt.timedelta(days=121))

    assert "verified 121 days before the decision date; at most 120 days are allowed" in str(refused.value)
    assert len(refused.value.reasons) == 2
    assert not CredentialingDecision.objects.exists()
    assert notices(provider) == []


def test_a_missing_item_is_refused(provider):
    with pytest.raises(FileNotReady, match="NY LCSW licence R-081234: not verified yet"):
        record(provider, verified_on=None)


def test_a_denial_also_needs_a_ready_file_but_a_deferral_does_not(provider):
    with pytest.raises(FileNotReady):
        record(provider, verified_on=None, outcome=Outcome.DENIED)

    deferral = record(
        provider, verified_on=None, outcome=Outcome.DEFERRED, reason="Waiting for the NPDB answer."
    )

    assert deferral.outcome == Outcome.DEFERRED
    assert deferral.file_snapshot["ready"] is False  # the snapshot says what was missing
    assert deferral.recredentialing_due_on is None
    assert deferral.overridden_by is None


def test_a_decision_dated_in_the_future_is_refused(provider):
    with pytest.raises(DecisionDateRefused, match="cannot be dated in the future"):
        record(provider, verified_on=TODAY, decided_on=TODAY + dt.timedelta(days=1))
    assert not CredentialingDecision.objects.exists()


def test_a_past_decision_date_is_judged_on_that_date(provider):
    # Verified 100 days before today, but the decision was made 30 days ago: 70 days old then.
    decision = record(
        provider, verified_on=TODAY - dt.timedelta(days=100), decided_on=TODAY - dt.timedelta(days=30)
    )
    assert decision.file_snapshot["decision_on"] == "2026-06-01"
    assert decision.recredentialing_due_on == dt.date(2029, 6, 1)


@pytest.mark.parametrize(
    "permissions",
    [
        (),  # staff with no role
        (
            "credentialing.change_payerapplication",
            "onboarding.review_onboarding_forms",
        ),  # the Credentialing role's
    ],
)
def test_only_the_committee_records_a_decision(provider, permissions):
    someone = staff_user("someone@alma.test", *permissions)
    with pytest.raises(DecisionNotPermitted):
        record(provider, verified_on=TODAY, actor=someone)
    assert not CredentialingDecision.objects.exists()


def test_the_committee_cannot_override_a_file_that_is_not_ready(provider):
    with pytest.raises(DecisionNotPermitted, match="Only an Admin"):
        record(provider, verified_on=None, override_reason="The board's site is down; letter on file.")
    assert not CredentialingDecision.objects.exists()


def test_an_admin_overrides_a_stale_file_with_a_written_reason_and_the_override_is_kept(
    provider, admin_member
):
    with pytest.raises(FileNotReady):  # an Admin too needs the reason
        record(provider, verified_on=TODAY - dt.timedelta(days=200), actor=admin_member)

    decision = record(
        provider,
        verified_on=TODAY - dt.timedelta(days=200),
        actor=admin_member,
        override_reason="  The board confirmed by phone today; its website is down.  ",
    )

    assert decision.overridden_by == admin_member
    assert decision.override_reason == "The board confirmed by phone today; its website is down."
    assert decision.file_snapshot["ready"] is False
    assert decision.file_snapshot["items"][0]["age_on_decision"] == 200
    assert len(notices(provider)) == 1


def test_an_override_reason_on_a_ready_file_is_not_kept_as_an_override(provider, admin_member):
    decision = record(provider, verified_on=TODAY, actor=admin_member, override_reason="Just in case.")
    assert decision.overridden_by is None
    assert decision.override_reason == ""


def test_a_decision_needs_a_reason_and_a_known_outcome(provider):
    with pytest.raises(DecisionDetailsMissing):
        record(provider, verified_on=TODAY, reason="   ")
    with pytest.raises(DecisionDetailsMissing):
        record(provider, verified_on=TODAY, outcome="maybe")


def test_each_decision_gets_its_own_notice_once(provider):
    first = record(
        provider, verified_on=None, outcome=Outcome.DEFERRED, reason="Waiting for the NPDB answer."
    )
    second = record(provider, verified_on=TODAY)

    assert sorted(n.key for n in notices(provider)) == sorted(
        [f"decision-{first.pk}", f"decision-{second.pk}"]
    )
    outbox_sweep()
    outbox_sweep()
    subjects = sorted(m.subject for m in notices_sent(provider))
    assert subjects == [
        "Alma's credentialing committee needs more before deciding",
        "You are credentialed with Alma",
    ]


def test_a_denial_tells_the_provider_the_committees_reason(provider):
    record(
        provider, verified_on=TODAY, outcome=Outcome.DENIED, reason="Your licence is under board discipline."
    )
    outbox_sweep()
    [message] = notices_sent(provider)
    assert message.subject == "Alma's credentialing committee did not approve your file"
    assert "Your licence is under board discipline." in message.body
    assert "Your licence is under board discipline." in message.alternatives[0][0]


def test_the_cycle_is_recredentialing_while_the_last_approval_is_open_and_initial_after_its_grace(frozen):
    provider = ProviderFactory()
    decide(provider, decided_on=dt.date(2023, 6, 1))  # due 1 June 2026, grace to 1 July 2026
    recredentialed = decide(provider, decided_on=dt.date(2026, 7, 1))
    assert recredentialed.cycle == Cycle.RECREDENTIALING
    assert recredentialed.recredentialing_due_on == dt.date(2029, 7, 1)

    late = ProviderFactory()
    decide(late, decided_on=dt.date(2023, 5, 31))  # due 31 May 2026: grace ended 30 June
    assert decide(late, decided_on=TODAY).cycle == Cycle.INITIAL

    denied_before = ProviderFactory()
    decide(denied_before, decided_on=dt.date(2025, 1, 6))
    decide(denied_before, decided_on=dt.date(2025, 3, 6), outcome=Outcome.DENIED, reason="Discipline.")
    assert decide(denied_before, decided_on=TODAY).cycle == Cycle.INITIAL


def test_the_staff_email_setting_is_not_where_the_notice_goes(provider):
    record(provider, verified_on=TODAY)
    [notice] = notices(provider)
    assert notice.to_email != settings.CREDENTIALING_TEAM_EMAIL
