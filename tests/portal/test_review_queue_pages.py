"""The review queue at any length: one page at a time, oldest first, with the whole queue's
counts, and "overdue" as a cutoff on the company calendar that SQL can count."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from alma.timekeeping import company_calendar
from onboarding.models import ReviewedForm
from portal import selectors as portal_selectors
from portal.selectors import BUSINESS_DAY, review_overdue_cutoff
from tests.factories import ProviderFactory, submit_general_onboarding, submit_insurance_form
from tests.helpers import new_york, staff_user

QUEUE_URL = "admin:onboarding_reviewqueue_changelist"
GENERAL = ReviewedForm.GENERAL_ONBOARDING
INSURANCE = ReviewedForm.INSURANCE_FORM


def overdue_by_the_calendar(submitted_at: datetime, now: datetime) -> bool:
    """The queue's rule as the calendar states it: waiting more than one business day."""
    return company_calendar().business_time_between(submitted_at, now) > BUSINESS_DAY


@pytest.mark.parametrize(
    ("now", "cutoff"),
    [
        # Monday morning: Friday 10:00 has waited Friday's 14 hours and Monday's 10.
        (new_york(2026, 11, 30, 10, 0), new_york(2026, 11, 27, 10, 0)),
        # Monday midnight: all of Friday is the one business day, so the cutoff is the end of
        # Wednesday (Thursday is Thanksgiving): a form handed in on Thanksgiving or over the
        # weekend has waited exactly one business day, not more.
        (new_york(2026, 11, 30, 0, 0), new_york(2026, 11, 26, 0, 0)),
        # Friday after Thanksgiving (Thursday 26 November counts nothing): back to Wednesday.
        (new_york(2026, 11, 27, 9, 0), new_york(2026, 11, 25, 9, 0)),
        # Tuesday after Labor Day (Monday 7 September 2026): back over the long weekend to Friday.
        (new_york(2026, 9, 8, 15, 30), new_york(2026, 9, 4, 15, 30)),
        # A Saturday: Friday's whole day is the business day; the cutoff is the end of the
        # business day before it, Wednesday (Thanksgiving Thursday counts nothing).
        (new_york(2026, 11, 28, 12, 0), new_york(2026, 11, 26, 0, 0)),
    ],
)
def test_the_overdue_cutoff_is_one_business_day_back_over_weekends_and_holidays(now, cutoff):
    assert review_overdue_cutoff(now) == cutoff


@pytest.mark.parametrize(
    "now",
    [
        new_york(2026, 11, 30, 10, 0),  # Monday after Thanksgiving weekend
        new_york(2026, 11, 30, 0, 0),
        new_york(2026, 11, 27, 9, 0),  # Friday after Thanksgiving
        new_york(2026, 9, 8, 0, 15),  # Tuesday after Labor Day
        new_york(2026, 11, 1, 12, 0),  # Sunday of the DST change
        new_york(2026, 11, 2, 1, 30),  # Monday after it
        new_york(2027, 1, 1, 8, 0),  # New Year's Day, a holiday
    ],
)
def test_submitted_before_the_cutoff_is_exactly_what_the_calendar_calls_overdue(now):
    # Every quarter of an hour over the week before, and each side of the cutoff itself.
    cutoff = review_overdue_cutoff(now)
    moments = [now - timedelta(minutes=15 * step) for step in range(7 * 24 * 4)]
    moments += [cutoff - timedelta(microseconds=1), cutoff, cutoff + timedelta(microseconds=1)]
    for submitted_at in moments:
        assert (submitted_at < cutoff) == overdue_by_the_calendar(submitted_at, now), submitted_at


@pytest.fixture
def reviewer(db):
    return staff_user("reviewer@alma.test", "review_onboarding_forms", "view_provider")


def submissions_a_day_apart(count: int) -> list[tuple[int, ReviewedForm]]:
    """`count` submitted forms, one a day from Monday 2 November 2026, both kinds alternating;
    returns (provider id, form) oldest first."""
    submitted = []
    provider = None
    for day in range(count):
        with time_machine.travel(new_york(2026, 11, 2, 9, 0) + timedelta(days=day), tick=False):
            if day % 2 == 0:
                provider = ProviderFactory()
                submit_general_onboarding(provider)
                submitted.append((provider.pk, GENERAL))
            else:
                submit_insurance_form(provider)
                submitted.append((provider.pk, INSURANCE))
    return submitted


def queue_page(reviewer, query: str = "", at=None):
    with time_machine.travel(at or new_york(2026, 11, 20, 12, 0), tick=False):
        client = Client()
        client.force_login(reviewer)
        response = client.get(reverse(QUEUE_URL) + query)
    assert response.status_code == 200
    return response


def shown(response) -> list[tuple[int, ReviewedForm]]:
    return [(item.provider_id, item.form) for item, _ in response.context["rows"]]


def test_the_queue_pages_oldest_first_across_both_forms_with_counts_of_the_whole_queue(reviewer, monkeypatch):
    monkeypatch.setattr(portal_selectors, "QUEUE_PAGE_SIZE", 2)
    submitted = submissions_a_day_apart(5)

    # Friday 6 November 12:00: Monday's to Thursday's (09:00, 27 business hours ago) are overdue,
    # Friday's is not.
    first = queue_page(reviewer, at=new_york(2026, 11, 6, 12, 0))
    assert shown(first) == submitted[:2]
    assert "5 forms waiting for review, <strong>4 overdue</strong>: oldest first, 1&ndash;2 shown here." in (
        first.text
    )
    assert 'aria-label="Review queue pages"' in first.text
    assert '<span class="this-page" aria-current="page">1</span>' in first.text
    assert 'href="?page=3"' in first.text

    last = queue_page(reviewer, "?page=3")
    assert shown(last) == submitted[4:]
    assert '<span class="this-page" aria-current="page">3</span>' in last.text
    assert "past-the-end" not in last.text


@pytest.mark.parametrize(
    ("query", "page"), [("?page=9", 3), ("?page=0", 1), ("?page=two", 1), ("?page=-1", 1)]
)
def test_a_page_past_the_end_or_not_a_number_shows_a_real_page_never_an_error(
    reviewer, monkeypatch, query, page
):
    monkeypatch.setattr(portal_selectors, "QUEUE_PAGE_SIZE", 2)
    submissions_a_day_apart(5)
    response = queue_page(reviewer, query)
    assert response.context["queue"].number == page
    assert len(response.context["rows"]) == (1 if page == 3 else 2)
    assert ("There is no page 9 any more" in response.text) == (query == "?page=9")


def test_a_decision_from_page_two_returns_the_reviewer_to_page_two(reviewer, monkeypatch):
    monkeypatch.setattr(portal_selectors, "QUEUE_PAGE_SIZE", 2)
    submitted = submissions_a_day_apart(5)
    page_two = queue_page(reviewer, "?page=2")
    provider_id, form = submitted[2]
    approve = reverse("admin:onboarding_reviewqueue_approve", args=[provider_id, form])
    assert f'href="{approve}?round=1&amp;page=2"' in page_two.text

    with time_machine.travel(new_york(2026, 11, 20, 12, 0), tick=False):
        client = Client()
        client.force_login(reviewer)
        response = client.post(f"{approve}?round=1&page=2", {"round": 1})
    assert response.status_code == 302
    assert response.url == reverse(QUEUE_URL) + "?page=2"
    assert shown(queue_page(reviewer, "?page=2")) == submitted[3:5]


def test_an_empty_queue_says_so_on_any_page(reviewer):
    response = queue_page(reviewer, "?page=4")
    assert "Nothing is waiting for review." in response.text
    assert "There is no page 4" in response.text
    assert not response.context["rows"]


def test_a_deep_page_costs_the_same_queries_at_6_and_60_submissions(
    reviewer, monkeypatch, django_assert_num_queries
):
    # Session, user, permissions (2), the counts of each form kind (2), one UNION ALL page, its
    # providers.
    monkeypatch.setattr(portal_selectors, "QUEUE_PAGE_SIZE", 2)
    client = Client()
    client.force_login(reviewer)
    url = reverse(QUEUE_URL) + "?page=3"
    for count in (6, 60):
        while portal_selectors.review_queue_page().total < count:
            provider = ProviderFactory()
            submit_general_onboarding(provider)
            submit_insurance_form(provider)
        with django_assert_num_queries(8):
            response = client.get(url)
        assert response.context["queue"].total == count
        assert len(response.context["rows"]) == 2
