"""The SLA board: everything overdue, and what falls due within hours, around Thanksgiving."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from credentialing import emails as credentialing_emails
from credentialing.models import ApplicationStatus
from credentialing.services import applications as application_services
from helpdesk.services import ticket_open
from onboarding.models import GeneralOnboarding, OutboxEmail
from onboarding.services.outbox import outbox_enqueue, outbox_resend
from portal.sla import sla_board, sla_summary
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import submit_general_onboarding
from tests.helpers import NEW_YORK, staff_user
from training import emails as training_emails

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=NEW_YORK)  # the Friday after Thanksgiving, noon
WEDNESDAY = dt.date(2026, 11, 25)
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK)


@pytest.fixture
def promises(make_provider):
    """One overdue and one not-yet-overdue promise of each kind."""
    ada, ben = make_provider(legal_name="Ada Late"), make_provider(legal_name="Ben Ontime")
    # Emails: Wednesday 09:00 + 1 business day (Thanksgiving skipped) = Friday 09:00: overdue.
    outbox_enqueue(provider=ada, kind=training_emails.WEBINAR, now=at(WEDNESDAY, 9))
    outbox_enqueue(provider=ben, kind=training_emails.WEBINAR, now=at(WEDNESDAY, 14))  # due Fri 14:00
    # Reviews: submitted Wednesday 10:00 is due Friday 10:00; Wednesday 15:00 is due 15:00.
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        submit_general_onboarding(ada)
    with time_machine.travel(at(WEDNESDAY, 15), tick=False):
        submit_general_onboarding(ben)
    # Payer decisions: 46 days ago is overdue; 43 days ago is due within five days.
    payer = PayerFactory(name="Aetna")
    other = PayerFactory(name="Cigna")
    make_application(
        provider=ada,
        payer=payer,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=NOW - dt.timedelta(days=46),
    )
    make_application(
        provider=ben,
        payer=other,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=NOW - dt.timedelta(days=43),
    )
    make_application(
        provider=ben,
        payer=payer,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=NOW - dt.timedelta(days=10),
    )
    # Their "we sent your application" emails went out when they were submitted.
    OutboxEmail.objects.filter(step=credentialing_emails.APPLICATION_SUBMITTED).update(sent_at=NOW)
    # Help requests: opened Wednesday 09:00 (due Friday 09:00) and Friday 11:00 (due Monday).
    ticket_open(
        provider=ada, category="other", subject="Where is my webinar?", message="Hi", now=at(WEDNESDAY, 9)
    )
    ticket_open(
        provider=ben,
        category="other",
        subject="A quick question",
        message="Hi",
        now=NOW - dt.timedelta(hours=1),
    )
    # Already delivered emails are never on the board.
    return ada, ben


def test_the_board_lists_exactly_what_is_overdue_and_what_is_at_risk(promises):
    board = sla_board(now=NOW)
    overdue = {(p.kind, p.provider) for p in board.overdue}
    assert {
        ("Email", "Ada Late"),
        ("Review", "Ada Late"),
        ("Payer decision", "Ada Late"),
        ("Help request", "Ada Late"),
    } <= overdue
    assert not any(p.provider == "Ben Ontime" for p in board.overdue)
    at_risk = {
        (p.kind, p.provider, p.due_at.astimezone(NEW_YORK).hour)
        for p in board.at_risk
        if p.kind != "Payer decision"
    }
    assert ("Email", "Ben Ontime", 14) in at_risk
    assert ("Review", "Ben Ontime", 15) in at_risk
    assert [p.what for p in board.at_risk if p.kind == "Payer decision"] == [
        f"Cigna: submitted {(NOW - dt.timedelta(days=43)).astimezone(NEW_YORK):%b %-d, %Y}"
    ]
    assert "A quick question" not in str(board.at_risk)  # due Monday: not at risk yet


def test_the_sla_page_links_to_each_object_and_needs_the_permission(client, promises):
    url = reverse("admin:sla")
    client.force_login(staff_user("nobody@alma.test"))
    assert client.get(url).status_code == 403

    client.force_login(staff_user("support@alma.test", "view_outboxemail"))
    with time_machine.travel(NOW, tick=False):
        page = client.get(url).text
    overdue_part = page.split('id="overdue"')[1].split('id="at-risk"')[0]
    assert "Ada Late" in overdue_part
    assert "Ben Ontime" not in overdue_part
    assert "/admin/onboarding/outboxemail/" in overdue_part
    assert "/admin/helpdesk/ticket/" in overdue_part
    assert "/admin/credentialing/payerapplication/" in overdue_part
    assert "/admin/onboarding/generalonboarding/" in overdue_part


def test_the_board_costs_the_same_with_more_rows(promises, django_assert_num_queries, make_provider):
    # Emails, reviews (both forms in one UNION ALL, only those due before the at-risk horizon,
    # then their providers),
    # payer applications, the payers' decision history, help requests, exclusion lists with their
    # runs (one query) and open exclusion cases, credentialing decision notices not sent,
    # recredentialing past due, directory reverification.
    # The payers' decision history may come from the cache (credentialing.turnaround): counted
    # cold, as the first request of the day reads it.
    cache.clear()
    with django_assert_num_queries(11):
        sla_board(now=NOW)
    for index in range(10):
        outbox_enqueue(
            provider=make_provider(),
            kind=training_emails.WEBINAR,
            now=at(WEDNESDAY, 8) + dt.timedelta(minutes=index),
        )
    cache.clear()
    with django_assert_num_queries(11):
        assert len(sla_board(now=NOW).overdue) >= 14


def test_the_page_shows_the_same_counts_and_rows_as_the_whole_board(promises):
    # For small data the page's summary (counted and cut in SQL) is the whole board, per kind.
    board, summary = sla_board(now=NOW), sla_summary(now=NOW)
    for kind in summary.kinds:
        overdue = [p for p in board.overdue if p.kind == kind.kind]
        at_risk = [p for p in board.at_risk if p.kind == kind.kind]
        assert (kind.overdue_count, kind.at_risk_count) == (len(overdue), len(at_risk)), kind.kind
        assert kind.overdue == overdue, kind.kind
        assert kind.at_risk == at_risk, kind.kind
        assert (kind.more_overdue, kind.more_at_risk) == (0, 0)
    assert summary.overdue_count == len(board.overdue) >= 4
    assert summary.at_risk_count == len(board.at_risk) >= 3
    assert summary.late_applications == board.late_applications


def test_an_email_that_will_not_be_sent_is_on_the_board_at_once_named_as_such(make_provider, admin_client):
    # Before: a 550 stayed "pending" and reached the board only 4 h before its due time, and
    # then not as refused.
    refused, gave_up = make_provider(legal_name="Rae Fused"), make_provider(legal_name="Gus Gaveup")
    with time_machine.travel(NOW, tick=False):
        for provider, error in [
            (refused, "Refused by the mail server: 550 5.1.1 No such user"),
            (gave_up, "Gave up after 12 attempts: SMTPServerDisconnected: Connection unexpectedly closed"),
        ]:
            row = outbox_enqueue(provider=provider, kind=training_emails.WEBINAR, now=NOW)  # due Monday
            OutboxEmail.objects.filter(pk=row.pk).update(failed_at=NOW, last_error=error)
        board = sla_board(now=NOW)
        overdue = {p.provider: p.what for p in board.overdue}
        assert (
            overdue["Rae Fused"] == "Insurance Program Training Webinar and quiz email: "
            "Refused by the mail server: 550 5.1.1 No such user"
        )
        assert overdue["Gus Gaveup"].endswith(
            "quiz email: Gave up after 12 attempts: SMTPServerDisconnected: Connection unexpectedly closed"
        )
        assert "Rae Fused" in admin_client.get(reverse("admin:sla")).text

        # Once staff resend it, the new row is the promise; the refused one leaves the board.
        webinar = OutboxEmail.objects.get(provider=refused, step=training_emails.WEBINAR)
        outbox_resend(email=webinar, actor=None)
        assert "Rae Fused" not in {p.provider for p in sla_board(now=NOW).overdue}


def test_a_payer_application_past_its_expected_range_is_late_before_45_days(make_provider, client):
    # Before: only the 45-day promise counted; a payer that always decides within a week was
    # "on time" for six more weeks.
    fast = PayerFactory(name="Quickcare")
    for n in range(5):  # five past decisions, each 5 business days after submission
        past = make_provider()
        GeneralOnboarding.objects.update_or_create(provider=past, defaults={"state": "NY"})
        submitted = NOW - dt.timedelta(days=90 + n)
        application = make_application(
            provider=past, payer=fast, status=ApplicationStatus.SUBMITTED, submitted_at=submitted
        )
        application_services.application_deny(
            application=application, reason="Panel closed", actor=None, now=submitted + dt.timedelta(days=7)
        )
    waiting = make_provider(legal_name="Wes Waiting")
    GeneralOnboarding.objects.update_or_create(provider=waiting, defaults={"state": "NY"})
    make_application(
        provider=waiting,
        payer=fast,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=NOW - dt.timedelta(days=14),  # 14 days: well within 45, past 5 business days
    )
    board = sla_board(now=NOW)
    assert [(late.application.provider.legal_name, late.state) for late in board.late_applications] == [
        ("Wes Waiting", "NY")
    ]
    assert ("Payer decision", "Wes Waiting") in {(p.kind, p.provider) for p in board.overdue}

    client.force_login(staff_user("support@alma.test", "view_outboxemail"))
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("admin:sla")).text
    late = page.split('id="late-applications"')[1]
    assert "Wes Waiting" in late
    assert "5 past decisions in NY" in late
