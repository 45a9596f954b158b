"""The directory go-live rule on plain dates (PRODUCT.md, "Directory"): no database needed."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# --- every combination -----------------------------------------------------------------------------
#
# The dates: no payer / effective before, on or after the contracted start; training not done /
# before both / between them / after both. The go-live day is the latest of the three, and the
# decision names which one set it.

EARLY, LATE, LATER = date(2026, 2, 10), date(2026, 3, 20), date(2026, 4, 7)
D = {"early": EARLY, "contracted": CONTRACTED, "late": LATE, "later": LATER, None: None}

DATE_TABLE = [
    # effective, training, go-live, basis (None: blocked)
    (None, None, None, None),
    (None, "early", None, None),
    (None, "later", None, None),
    ("early", None, None, None),
    ("late", None, None, None),
    ("early", "early", CONTRACTED, "contracted_start"),
    ("early", "late", LATE, "training_completed"),
    ("contracted", "early", CONTRACTED, "effective_date"),
    ("contracted", "contracted", CONTRACTED, "effective_date"),
    ("contracted", "late", LATE, "training_completed"),
    ("late", "early", LATE, "effective_date"),
    ("late", "contracted", LATE, "effective_date"),
    ("late", "late", LATE, "effective_date"),
    # Training completed after both dates: go-live moves to that day.
    ("late", "later", LATER, "training_completed"),
    ("early", "later", LATER, "training_completed"),
]
SWITCHES = [
    # approved, hidden, offboarded, the switch blockers they add
    (True, False, False, ()),
    (False, False, False, (Blocker.PROFILE_NOT_APPROVED,)),
    (True, True, False, (Blocker.HIDDEN_BY_STAFF,)),
    (True, False, True, (Blocker.OFFBOARDED,)),
    (False, True, True, (Blocker.PROFILE_NOT_APPROVED, Blocker.HIDDEN_BY_STAFF, Blocker.OFFBOARDED)),
]


@pytest.mark.parametrize(("effective", "training", "expected", "basis"), DATE_TABLE)
@pytest.mark.parametrize(("approved", "hidden", "offboarded", "switch_blockers"), SWITCHES)
def test_every_combination(
    effective, training, expected, basis, approved, hidden, offboarded, switch_blockers
):
    decision = go_live_decision(
        effective_start_date=D[effective],
        contracted_start_date=CONTRACTED,
        training_completed_on=D[training],
        general_onboarding_approved=approved,
        hidden_by_staff=hidden,
        offboarded=offboarded,
    )
    date_blockers = tuple(
        blocker
        for blocker, missing in (
            (Blocker.NO_APPROVED_PAYER, effective is None),
            (Blocker.TRAINING_NOT_DONE, training is None),
        )
        if missing
    )
    assert decision.blockers == date_blockers + switch_blockers
    if decision.blockers:
        assert decision.go_live_on is None
        assert decision.basis is None
        assert not decision.is_live_on(date(2030, 1, 1))
        # It still says the earliest day it could be, from the dates it knows.
        assert decision.not_before == max(d for d in (D[effective], CONTRACTED, D[training]) if d)
    else:
        assert decision.go_live_on == expected
        assert decision.basis == basis
    assert decision.reason  # every decision explains itself


def test_withdrawing_the_only_approved_payer_takes_the_date_away():
    # Withdrawn applications are not approved: the earliest approved effective date is gone.
    live = decide(effective=date(2026, 2, 10), training=date(2026, 2, 1))
    withdrawn = decide(effective=None, training=date(2026, 2, 1))
    assert live.is_live_on(date(2026, 3, 2))
    assert not withdrawn.is_live_on(date(2026, 3, 2))
    assert withdrawn.blockers == (Blocker.NO_APPROVED_PAYER,)
    assert withdrawn.summary(date(2026, 3, 2)) == "blocked: no approved payer; not before 2026-03-02"


def test_a_form_waiting_for_approval_is_the_only_thing_named_when_the_dates_are_met():
    decision = go_live_decision(
        effective_start_date=LATE,
        contracted_start_date=CONTRACTED,
        training_completed_on=EARLY,
        general_onboarding_approved=False,
    )
    assert decision.blockers == (Blocker.PROFILE_NOT_APPROVED,)
    assert decision.reason == (
        "Your profile goes live once our team approves your General Onboarding form: on Mar 20, 2026, "
        "or the day it is approved if that is later."
    )


def test_hidden_and_offboarded_profiles_say_so_in_plain_words():
    hidden = go_live_decision(
        effective_start_date=LATE,
        contracted_start_date=CONTRACTED,
        training_completed_on=EARLY,
        hidden_by_staff=True,
    )
    assert hidden.reason.startswith("Our team has hidden your profile from the directory.")
    assert Blocker.HIDDEN_BY_STAFF.label == "Our team has hidden your profile from the directory"
    gone = go_live_decision(
        effective_start_date=LATE,
        contracted_start_date=CONTRACTED,
        training_completed_on=EARLY,
        offboarded=True,
    )
    assert gone.reason == "You have left Alma, so your profile is no longer listed in the directory."


def test_the_operator_summary_names_the_date_and_what_set_it():
    decision = decide(effective=date(2026, 3, 20), training=date(2026, 4, 7))
    assert decision.summary(date(2026, 4, 7)) == "go-live date 2026-04-07 (training completed) has come"
    assert decision.summary(date(2026, 4, 6)) == "go-live date 2026-04-07 (training completed) is still ahead"


# --- property: never before any of its three conditions ------------------------------------------

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))


@given(
    effective=st.none() | days,
    contracted=days,
    training=st.none() | days,
    approved=st.booleans(),
    hidden=st.booleans(),
    offboarded=st.booleans(),
    today=days,
)
def test_go_live_is_never_before_any_of_its_three_conditions(
    effective, contracted, training, approved, hidden, offboarded, today
):
    decision = go_live_decision(
        effective_start_date=effective,
        contracted_start_date=contracted,
        training_completed_on=training,
        general_onboarding_approved=approved,
        hidden_by_staff=hidden,
        offboarded=offboarded,
    )
    if decision.is_live_on(today):
        assert effective is not None
        assert training is not None
        assert today >= effective
        assert today >= contracted
        assert today >= training
        assert approved
        assert not hidden
        assert not offboarded
    if decision.go_live_on is not None:
        # The day itself is the latest of the three: not a day late either.
        assert decision.go_live_on == max(effective, contracted, training)
    else:
        assert decision.blockers
