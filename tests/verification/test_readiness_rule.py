"""The 120-day primary-source verification clock and the file's readiness (pure, no database).

Dates are fixed: the rule takes `today` and the planned decision date as values, so nothing
here depends on the day the suite runs."""

from datetime import date, timedelta

import pytest

from verification.readiness import PSV_MAX_AGE_DAYS, FileItem, decision_date_problem, file_readiness

TODAY = date(2026, 7, 1)


def days_before(day: date, n: int) -> date:
    return day - timedelta(days=n)


@pytest.mark.parametrize(
    ("age", "ready", "reason"),
    [
        (0, True, ""),
        (119, True, ""),
        (120, True, ""),  # day 120 is still within
        (121, False, "verified 121 days before the decision date; at most 120 days are allowed"),
        (365, False, "verified 365 days before the decision date; at most 120 days are allowed"),
    ],
)
def test_a_verification_counts_for_120_days_and_not_a_day_more(age, ready, reason):
    item = FileItem("state_license:CA:PSY1", "CA licence PSY1", days_before(TODAY, age))

    readiness = file_readiness([item], today=TODAY)

    [row] = readiness.items
    assert (row.ready, row.reason) == (ready, reason)
    assert row.age_days == row.age_on_decision == age
    assert readiness.ready is ready
    assert readiness.reasons == ([] if ready else [f"CA licence PSY1: {reason}"])


def test_the_limit_is_ncqas_120_days():
    assert PSV_MAX_AGE_DAYS == 120


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (FileItem("dea:AB1", "DEA registration AB1", None), "not verified yet"),
        (
            FileItem(
                "education:MSW",
                "Highest education",
                days_before(TODAY, 10),
                problem="the source has no such record",
            ),
            "the source has no such record",
        ),
        (
            FileItem(
                "liability_insurance:X",
                "Liability insurance",
                days_before(TODAY, 10),
                problem="the source's record differs from what the provider stated",
            ),
            "the source's record differs from what the provider stated",
        ),
        (
            FileItem("dea:AB1", "DEA registration AB1", TODAY + timedelta(days=1)),
            "verified on a date still to come",
        ),
    ],
    ids=["missing", "not found", "discrepancy", "verified in the future"],
)
def test_a_missing_a_refuted_or_a_future_verification_is_not_ready(item, reason):
    readiness = file_readiness([item], today=TODAY)

    [row] = readiness.items
    assert not row.ready
    assert row.reason == reason
    assert row.present is (item.verified_on is not None)
    assert readiness.reasons == [f"{item.label}: {reason}"]
    assert not readiness.ready


def test_a_planned_decision_date_later_than_today_makes_a_fresh_item_stale():
    verified = days_before(TODAY, 100)
    item = FileItem("state_license:CA:PSY1", "CA licence PSY1", verified)

    on_day_120 = file_readiness([item], today=TODAY, decision_on=verified + timedelta(days=120))
    on_day_121 = file_readiness([item], today=TODAY, decision_on=verified + timedelta(days=121))

    assert on_day_120.ready
    assert not on_day_121.ready
    [row] = on_day_121.items
    assert row.age_days == 100  # today it is fresh ...
    assert row.age_on_decision == 121  # ... but not on the day the committee meets
    assert row.reason == "verified 121 days before the decision date; at most 120 days are allowed"


def test_a_decision_dated_before_a_verification_did_not_rest_on_it():
    item = FileItem("state_license:CA:PSY1", "CA licence PSY1", days_before(TODAY, 2))

    readiness = file_readiness([item], today=TODAY, decision_on=days_before(TODAY, 5))

    assert not readiness.ready
    assert readiness.items[0].reason == "verified after the decision date (26 Jun 2026)"


@pytest.mark.parametrize(
    ("decided_on", "problem"),
    [
        (TODAY, ""),
        (days_before(TODAY, 30), ""),
        (TODAY + timedelta(days=1), "A decision cannot be dated in the future (02 Jul 2026 is after today)."),
    ],
)
def test_a_decision_dated_in_the_future_is_refused(decided_on, problem):
    assert decision_date_problem(decided_on, today=TODAY) == problem


def test_the_file_is_ready_only_when_every_item_is():
    fresh = FileItem("state_license:CA:PSY1", "CA licence PSY1", days_before(TODAY, 5))
    stale = FileItem("state_license:NY:R1", "NY licence R1", days_before(TODAY, 200))
    missing = FileItem("malpractice_history:npdb", "Malpractice-claims history", None)

    readiness = file_readiness([fresh, stale, missing], today=TODAY)

    assert [row.ready for row in readiness.items] == [True, False, False]
    assert not readiness.ready
    assert readiness.reasons == [
        "NY licence R1: verified 200 days before the decision date; at most 120 days are allowed",
        "Malpractice-claims history: not verified yet",
    ]
    assert file_readiness([fresh], today=TODAY).ready


def test_a_file_without_items_is_not_ready_and_says_why():
    readiness = file_readiness([], today=TODAY)

    assert not readiness.ready
    assert readiness.reasons == ["The file has no required items: the Insurance Form is not in yet."]


def test_the_snapshot_is_plain_json_with_iso_dates():
    item = FileItem("dea:AB1", "DEA registration AB1", date(2026, 6, 1))

    snapshot = file_readiness([item], today=TODAY, decision_on=date(2026, 7, 15)).as_dict()

    assert snapshot["today"] == "2026-07-01"
    assert snapshot["decision_on"] == "2026-07-15"
    assert snapshot["ready"] is True
    assert snapshot["items"][0]["verified_on"] == "2026-06-01"
    assert snapshot["items"][0]["age_on_decision"] == 44
