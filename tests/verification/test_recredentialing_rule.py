"""The 36-month recredentialing clock, its reminders and its 30-day grace (pure, no database)."""

from datetime import date, timedelta

import pytest

from verification.recredentialing import (
    RecredentialingStatus,
    Standing,
    grace_ends_on,
    recredentialing_due_on,
    reminder_due,
    reminder_key,
    standing_on,
)


@pytest.mark.parametrize(
    ("decided_on", "due_on"),
    [
        (date(2026, 7, 1), date(2029, 7, 1)),
        (date(2026, 1, 31), date(2029, 1, 31)),
        (date(2026, 12, 31), date(2029, 12, 31)),
        # An approval on a leap day falls due on 28 February, never later than 36 months.
        (date(2024, 2, 29), date(2027, 2, 28)),
        (date(2028, 2, 29), date(2031, 2, 28)),
        # Into a leap year: 28 February stays 28 February, 1 March stays 1 March.
        (date(2025, 2, 28), date(2028, 2, 28)),
        (date(2025, 3, 1), date(2028, 3, 1)),
    ],
)
def test_recredentialing_falls_due_36_months_after_the_approval(decided_on, due_on):
    assert recredentialing_due_on(decided_on) == due_on


DUE = date(2029, 7, 1)


@pytest.mark.parametrize(
    ("today", "standing"),
    [
        (date(2029, 3, 2), Standing.CURRENT),  # 121 days before
        (date(2029, 3, 3), Standing.DUE_SOON),  # 120 days before: recredentialing opens
        (date(2029, 6, 30), Standing.DUE_SOON),
        (DUE, Standing.DUE_SOON),  # the due date itself is still on time
        (date(2029, 7, 2), Standing.PAST_DUE),  # one day past: flagged
        (date(2029, 7, 31), Standing.PAST_DUE),  # day 30 past: the last day of grace
        (date(2029, 8, 1), Standing.INITIAL_REQUIRED),  # day 31 past
        (date(2031, 1, 1), Standing.INITIAL_REQUIRED),
    ],
)
def test_where_a_provider_stands_on_a_date(today, standing):
    assert standing_on(DUE, today) == standing


def test_the_grace_across_a_leap_february():
    due = date(2028, 2, 10)
    assert grace_ends_on(due) == date(2028, 3, 11)  # 29 February counts as a day
    assert standing_on(due, date(2028, 3, 11)) == Standing.PAST_DUE
    assert standing_on(due, date(2028, 3, 12)) == Standing.INITIAL_REQUIRED


@pytest.mark.parametrize(
    ("days_before", "reminder"),
    [
        (150, None),
        (121, None),
        (120, 120),
        (91, 120),
        (90, 90),
        (31, 90),
        (30, 30),
        (1, 30),
        (0, 30),  # the due date itself
        (-1, None),  # past due: the SLA board flags it, no more reminders
    ],
)
def test_the_reminder_whose_window_today_is_in(days_before, reminder):
    assert reminder_due(DUE, DUE - timedelta(days=days_before)) == reminder


def test_a_reminder_key_names_its_due_date_and_threshold():
    assert reminder_key(DUE, 90) == "2029-07-01:90"
    assert reminder_key(date(2032, 7, 1), 90) != reminder_key(DUE, 90)


def test_the_status_says_it_in_staffs_words():
    status = RecredentialingStatus(due_on=DUE, today=date(2029, 8, 1))
    assert status.label == "Initial credentialing required"
    assert status.flagged
    assert status.days_left == -31
    assert RecredentialingStatus(due_on=DUE, today=date(2029, 1, 1)).flagged is False
