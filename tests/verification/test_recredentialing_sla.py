"""The SLA board's credentialing promises: the decision's notice sent within 30 days (NCQA), and
recredentialing past its due date (flagged, then initial credentialing required)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from onboarding.models import OutboxEmail
from onboarding.services import outbox_sweep
from portal import sla
from portal.sla import sla_board
from tests.decision_factories import decide
from tests.factories import ProviderFactory
from verification import emails

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2026, 6, 1)  # the notice is late from the start of 2 July 2026


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def lines(board, kind):
    return [p for p in board.overdue if p.kind == kind], [p for p in board.at_risk if p.kind == kind]


@pytest.fixture
def unsent():
    """A decision whose notice the mail server never accepted (the outbox kept retrying)."""
    with time_machine.travel(at(DECIDED), tick=False):
        provider = ProviderFactory(legal_name="Ada Brennan")
        decide(provider, decided_on=DECIDED)
    return provider


def test_a_notice_not_sent_within_30_days_is_overdue_and_at_risk_in_its_last_days(unsent):
    notice = OutboxEmail.objects.get(provider=unsent, step=emails.CREDENTIALING_DECISION)
    overdue, at_risk = lines(sla_board(now=at(dt.date(2026, 6, 20))), "Decision notice")
    assert overdue == at_risk == []  # 11 days left

    overdue, at_risk = lines(sla_board(now=at(dt.date(2026, 6, 28))), "Decision notice")
    assert overdue == []
    [promise] = at_risk
    assert promise.provider == "Ada Brennan"

    overdue, _ = lines(sla_board(now=at(dt.date(2026, 7, 2), hour=14)), "Decision notice")
    [promise] = overdue
    assert (
        promise.what == "Credentialing decision of Jun 1, 2026 (approved): the provider's notice is not sent"
    )
    assert promise.admin_url == reverse("admin:onboarding_outboxemail_change", args=[notice.pk])


def test_a_sent_notice_is_no_promise_at_risk(unsent):
    with time_machine.travel(at(dt.date(2026, 6, 2)), tick=False):
        outbox_sweep()
    assert OutboxEmail.objects.get(provider=unsent, step=emails.CREDENTIALING_DECISION).sent_at
    overdue, at_risk = lines(sla_board(now=at(dt.date(2026, 7, 20))), "Decision notice")
    assert overdue == at_risk == []


def test_recredentialing_past_due_is_flagged_then_initial_credentialing_required():
    with time_machine.travel(at(dt.date(2023, 6, 1)), tick=False):
        provider = ProviderFactory(legal_name="Bea Okafor")
        decide(provider, decided_on=dt.date(2023, 6, 1))  # due 1 June 2026
        outbox_sweep()  # the notice went out

    assert lines(sla_board(now=at(dt.date(2026, 6, 1))), "Recredentialing") == ([], [])  # due today: on time

    [flagged], _ = lines(sla_board(now=at(dt.date(2026, 6, 2))), "Recredentialing")
    assert flagged.what == "Recredentialing past due: due Jun 1, 2026, grace ends Jul 1, 2026"
    assert flagged.admin_url == reverse("admin:verification_decision_record", args=[provider.public_id])

    [initial], _ = lines(sla_board(now=at(dt.date(2026, 7, 2))), "Recredentialing")
    assert initial.what == "Initial credentialing required: due Jun 1, 2026"

    with time_machine.travel(at(dt.date(2026, 7, 2)), tick=False):
        decide(provider, decided_on=dt.date(2026, 7, 2))  # credentialed again: a new clock
    assert lines(sla_board(now=at(dt.date(2026, 7, 3))), "Recredentialing")[0] == []


def test_the_credentialing_promises_cost_the_same_with_more_rows(django_assert_num_queries):
    def add(count: int) -> None:
        with time_machine.travel(at(dt.date(2023, 5, 1)), tick=False):
            for _ in range(count):
                decide(ProviderFactory(), decided_on=dt.date(2023, 5, 1))

    now = at(dt.date(2026, 6, 15))
    add(2)
    with django_assert_num_queries(2):
        board = sla.SlaBoard(now=now)
        sla._add_credentialing_promises(board, now)
    assert len(board.overdue) == 2 * 2  # each: an unsent notice, a recredentialing past due
    add(10)
    with django_assert_num_queries(2):
        board = sla.SlaBoard(now=now)
        sla._add_credentialing_promises(board, now)
    assert len(board.overdue) == 12 * 2
