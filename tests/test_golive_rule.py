"""The directory go-live rule on plain dates (PRODUCT.md, "Directory"): no database needed."""

from datetime import date

import pytest

from directory.golive import Blocker, go_live_decision

CONTRACTED = date(2026, 3, 2)


def decide(effective=None, training=None, contracted=CONTRACTED):
    return go_live_decision(
        effective_start_date=effective, contracted_start_date=contracted, training_completed_on=training
    )


def test_the_effective_date_wins_when_it_is_later_than_the_contracted_start():
    decision = decide(effective=date(2026, 3, 20), training=date(2026, 2, 1))
    assert decision.go_live_on == date(2026, 3, 20)
    assert not decision.is_blocked
    assert decision.reason == (
        "Your credentialing effective date, which is on or after your contracted start date (Mar 2, 2026)."
    )


def test_the_contracted_start_wins_when_credentialing_came_first():
    decision = decide(effective=date(2026, 2, 10), training=date(2026, 2, 1))
    assert decision.go_live_on == CONTRACTED
    assert decision.reason == (
        "Your contracted start date, which is after your credentialing effective date (Feb 10, 2026)."
    )


def test_the_same_day_for_both_reads_as_the_effective_date():
    decision = decide(effective=CONTRACTED, training=date(2026, 1, 5))
    assert decision.go_live_on == CONTRACTED
    assert decision.reason.startswith("Your credentialing effective date")


def test_a_late_webinar_moves_the_go_live_to_the_day_it_is_done():
    decision = decide(effective=date(2026, 3, 20), training=date(2026, 4, 7))
    assert decision.go_live_on == date(2026, 4, 7)
    assert decision.reason.startswith("The day you finished the Insurance Program Training Webinar and quiz")
    assert "(Mar 20, 2026)" in decision.reason
    assert "(Mar 2, 2026)" in decision.reason


def test_training_on_the_go_live_day_itself_does_not_take_the_credit():
    decision = decide(effective=date(2026, 3, 20), training=date(2026, 3, 20))
    assert decision.go_live_on == date(2026, 3, 20)
    assert decision.reason.startswith("Your credentialing effective date")


def test_no_approved_payer_blocks_and_says_so():
    decision = decide(training=date(2026, 2, 1))
    assert decision.go_live_on is None
    assert decision.blockers == (Blocker.NO_APPROVED_PAYER,)
    assert decision.not_before == CONTRACTED
    assert "once your first insurance payer approves you" in decision.reason
    assert Blocker.NO_APPROVED_PAYER.label == "No insurance payer has approved you yet"


def test_unfinished_training_blocks_and_names_the_earliest_day():
    decision = decide(effective=date(2026, 3, 20))
    assert decision.go_live_on is None
    assert decision.blockers == (Blocker.TRAINING_NOT_DONE,)
    assert decision.not_before == date(2026, 3, 20)
    assert decision.reason == (
        "Your profile goes live once you finish the Insurance Program Training Webinar and quiz: "
        "on Mar 20, 2026, or the day you finish them if that is later."
    )


def test_both_blockers_are_listed():
    decision = decide()
    assert decision.blockers == (Blocker.NO_APPROVED_PAYER, Blocker.TRAINING_NOT_DONE)
    assert decision.not_before == CONTRACTED
    assert "not before your contracted start date (Mar 2, 2026)" in decision.reason


@pytest.mark.parametrize(
    ("day", "live"),
    [(date(2026, 3, 19), False), (date(2026, 3, 20), True), (date(2026, 5, 1), True)],
)
def test_live_from_the_go_live_day_on(day, live):
    assert decide(effective=date(2026, 3, 20), training=date(2026, 1, 5)).is_live_on(day) is live


def test_a_blocked_profile_is_never_live():
    assert not decide(effective=date(2020, 1, 1)).is_live_on(date(2030, 1, 1))
