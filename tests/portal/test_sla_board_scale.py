"""The SLA board at scale: per kind the counts and only the most overdue few, the same queries
whatever the number of rows, and "and N more" leading to the providers behind them."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credentialing.models import ApplicationStatus
from helpdesk.services import ticket_open
from onboarding.models import OutboxEmail
from onboarding.services.outbox import outbox_enqueue
from portal.sla import SHOWN_PER_KIND, sla_summary
from tests.credentialing_factories import PayerFactory, make_application
from tests.factories import submit_general_onboarding
from tests.helpers import NEW_YORK
from training import emails as training_emails

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=NEW_YORK)  # the Friday after Thanksgiving, noon
WEDNESDAY = dt.date(2026, 11, 25)
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def overdue_of_every_kind(make_provider, payer, count: int, start: int = 0) -> list:
    """`count` providers, each with an overdue email, review, payer decision and help request."""
    providers = []
    for index in range(start, start + count):
        provider = make_provider(legal_name=f"Late Provider {index:03}")
        # Wednesday 08:xx + 1 business day (Thanksgiving skipped) = Friday 08:xx: overdue at noon.
        outbox_enqueue(provider=provider, kind=training_emails.WEBINAR, now=at(WEDNESDAY, 8, index % 60))
        with time_machine.travel(at(WEDNESDAY, 9, index % 60), tick=False):
            submit_general_onboarding(provider)
        ticket_open(provider=provider, category="other", subject="Help", message="Hi", now=at(WEDNESDAY, 9))
        make_application(
            provider=provider,
            payer=payer,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=NOW - dt.timedelta(days=46, minutes=index),
        )
        providers.append(provider)
    # The emails those steps queued (submission received, ticket opened...) went out on time:
    # one overdue email per provider, the webinar's.
    OutboxEmail.objects.exclude(step=training_emails.WEBINAR).update(sent_at=NOW)
    return providers


def summary_queries() -> int:
    cache.clear()  # the payers' decision history read cold, as by the day's first request
    with CaptureQueriesContext(connection) as queries:
        sla_summary(now=NOW)
    return len(queries)


def test_the_board_reads_the_same_queries_with_ten_times_the_rows(make_provider, django_assert_num_queries):
    payer = PayerFactory(name="Aetna")
    overdue_of_every_kind(make_provider, payer, 2)
    # Emails: the counts, the most overdue, the soonest due (3); reviews: a count per form for
    # overdue and for due soon, the most overdue with their providers, the soonest due (none
    # here, so no providers' query) (7); help requests (3); payer decisions: their counts with
    # each decision clock's oldest overdue and due soon, the rows shown, and the payers' history
    # (3); exclusion lists with their runs, open exclusion cases (2); directory reverification
    # (1); decision notices not sent (1); recredentialing past due (1).
    cache.clear()
    with django_assert_num_queries(21):
        small = sla_summary(now=NOW)
    overdue_of_every_kind(make_provider, payer, 18, start=2)
    assert summary_queries() == 21
    large = sla_summary(now=NOW)
    counts = {kind.kind: kind.overdue_count for kind in large.kinds}
    assert {k: counts[k] for k in ("Email", "Review", "Payer decision", "Help request")} == {
        "Email": 20,
        "Review": 20,
        "Payer decision": 20,
        "Help request": 20,
    }
    assert {kind.kind: kind.overdue_count for kind in small.kinds}["Email"] == 2


def test_past_the_shown_rows_the_board_says_how_many_more_and_links_to_them(make_provider, admin_client):
    payer = PayerFactory(name="Aetna")
    late = overdue_of_every_kind(make_provider, payer, SHOWN_PER_KIND + 3)
    on_time = make_provider(legal_name="Ona Time")
    outbox_enqueue(provider=on_time, kind=training_emails.WEBINAR, now=at(WEDNESDAY, 14))  # due Fri 14:00

    with time_machine.travel(NOW, tick=False):
        page = admin_client.get(reverse("admin:sla")).text
    overdue_part = page.split('id="overdue"')[1].split('id="at-risk"')[0]
    emails = overdue_part.split('data-overdue-kind="Email"')[1].split("</section>")[0]
    assert f"Email: {SHOWN_PER_KIND + 3} overdue" in emails
    assert emails.count("<tr><td>Email</td>") == SHOWN_PER_KIND
    # The most overdue first: the first 20 enqueued (08:00 to 08:19), not the last three.
    assert "Late Provider 000" in emails
    assert "Late Provider 022" not in emails
    more = re.search(r'<a href="([^"]+)" data-more>and (\d+) more</a>', emails)
    assert more is not None
    assert more.group(2) == "3"
    assert more.group(1) == reverse("admin:onboarding_provider_changelist") + "?overdue=email"
    reviews = overdue_part.split('data-overdue-kind="Review"')[1].split("</section>")[0]
    assert "and 3 more" in reviews
    assert reverse("admin:onboarding_reviewqueue_changelist") in reviews

    # The link lists the providers with an overdue email: all 23, not the one still on time.
    with time_machine.travel(NOW, tick=False):
        listed = admin_client.get(more.group(1).replace("&amp;", "&")).text
    assert all(provider.legal_name in listed for provider in late)
    assert "Ona Time" not in listed


def test_the_provider_list_filters_by_each_kind_of_overdue_promise(make_provider, admin_client):
    payer = PayerFactory(name="Aetna")
    emailed = make_provider(legal_name="Emma Ailed")
    outbox_enqueue(provider=emailed, kind=training_emails.WEBINAR, now=at(WEDNESDAY, 8))
    reviewed = make_provider(legal_name="Rev Iewed")
    with time_machine.travel(at(WEDNESDAY, 9), tick=False):
        submit_general_onboarding(reviewed)
    waiting = make_provider(legal_name="Wai Ting")
    make_application(
        provider=waiting,
        payer=payer,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=NOW - dt.timedelta(days=46),
    )
    OutboxEmail.objects.exclude(step=training_emails.WEBINAR).update(sent_at=NOW)  # sent on time
    names = ("Emma Ailed", "Rev Iewed", "Wai Ting")

    def listed(value: str) -> set[str]:
        with time_machine.travel(NOW, tick=False):
            page = admin_client.get(
                reverse("admin:onboarding_provider_changelist") + f"?overdue={value}"
            ).text
        return {name for name in names if name in page}

    assert listed("email") == {"Emma Ailed"}
    assert listed("review") == {"Rev Iewed"}
    assert listed("payer_decision") == {"Wai Ting"}
    assert listed("help_request") == set()
    assert listed("yes") == set(names)


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_at_a_seeded_size_the_board_reads_queued_emails_and_live_profiles_through_their_indexes():
    from directory.models import DirectoryProfile  # noqa: PLC0415
    from tests.directory_factories import live_providers  # noqa: PLC0415

    providers = live_providers(800, payer=PayerFactory())
    # Confirmed lately, as almost every live profile is: none due for reverification.
    DirectoryProfile.objects.update(went_live_at=NOW - dt.timedelta(days=10))
    # Emails queued for days ahead, as reminders are: none is the board's yet.
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            provider=provider,
            step=training_emails.WEBINAR,
            message_id=f"<queued-{provider.pk}@example.com>",
            due_at=NOW + dt.timedelta(days=2, minutes=index),
        )
        for index, provider in enumerate(providers)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE onboarding_outboxemail, directory_directoryprofile")

    with CaptureQueriesContext(connection) as queries:
        summary = sla_summary(now=NOW)
    statements = [query["sql"] for query in queries.captured_queries]
    [email_counts] = [sql for sql in statements if "COUNT(" in sql and "onboarding_outboxemail" in sql]
    [reverification] = [sql for sql in statements if '"went_live_at" AS' in sql]

    emails_plan, profiles_plan = _plan(email_counts), _plan(reverification)
    assert "outbox_unsent_due" in emails_plan, emails_plan
    assert "outbox_unsent_failed" in emails_plan, emails_plan
    assert "directory_profile_confirmed" in profiles_plan, profiles_plan
    assert "Seq Scan on directory_directoryprofile" not in profiles_plan
    counts = {kind.kind: (kind.overdue_count, kind.at_risk_count) for kind in summary.kinds}
    assert counts["Email"] == (0, 0)
    assert counts["Directory reverification"] == (0, 0)
