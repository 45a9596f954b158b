"""The training's rules on plain values: when the webinar counts as watched (crafted player
reports, as a tampering or unlucky player could send them) and how a quiz attempt is scored."""

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from training import rules
from training.rules import ENDED, PAUSE, PLAY, PROGRESS, SEEKED, Report, Viewing

START = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
DURATION = 60.0


def replay(reports, *, duration=DURATION, viewing=None):
    """Apply (seconds after START, position, event) reports in order; the viewing after them."""
    viewing = viewing or Viewing()
    for second, position, event in reports:
        viewing = rules.apply_report(
            viewing,
            Report(position=position, event=event, at=START + dt.timedelta(seconds=second)),
            duration=duration,
        ).viewing
    return viewing


def played(start, end, *, at=0.0, every=5.0, first=PLAY):
    """Honest playback from `start` to `end` seconds of video, starting `at` seconds after START,
    reporting every `every` seconds and "ended" when it reaches the end of the video."""
    reports = [(at, start, first)]
    position = start
    while position < end:
        position = min(position + every, end)
        event = ENDED if position >= DURATION else PROGRESS
        reports.append((at + position - start, position, event))
    return reports


# Each case: the reports a player sent, whether the webinar then counts as watched, and roughly
# how much of it the server saw (seconds).
CASES = {
    "normal play to the end": (played(0, DURATION), True, 60),
    "seek to the end at once": ([(0, 0, PLAY), (1, 59.5, SEEKED), (1.5, 60, ENDED)], False, 0.5),
    "seek to the end without saying so": ([(0, 0, PLAY), (1, 60, ENDED)], False, 0),
    "wait on the page, then claim the end": ([(0, 0, PLAY), (300, 60, ENDED)], False, 0),
    "report flooding, 1 s of video every 10 ms": (
        [(0, 0, PLAY), *((n / 100, float(n), PROGRESS) for n in range(1, 60)), (0.6, 60, ENDED)],
        False,
        0,
    ),
    "twice the speed": ([(n * 5, float(n * 10), PROGRESS if n < 6 else ENDED) for n in range(7)], False, 0),
    "the first half twice, then a jump to the end": (
        [*played(0, 30), (31, 0, SEEKED), *played(0, 30, at=31), (62, 60, SEEKED), (62.5, 60, ENDED)],
        False,
        30,
    ),
    "replays of parts already seen add nothing, and the rest still counts": (
        [*played(0, 30), (31, 10, SEEKED), *played(10, DURATION, at=31)],
        True,
        60,
    ),
    "90 % watched, then a jump past the credits": (
        [*played(0, 54), (55, 59.9, SEEKED), (55.1, 60, ENDED)],
        False,
        54,
    ),
    "96 % watched, then a jump past the credits": (
        [*played(0, 57.6), (58, 59.9, SEEKED), (58.1, 60, ENDED)],
        True,
        57.6,
    ),
    "paused half way, resumed after lunch": (
        [*played(0, 30), (30.2, 30, PAUSE), *played(30, DURATION, at=3600)],
        True,
        60,
    ),
    "paused, then a jump during the pause": (
        [*played(0, 30), (30.2, 30, PAUSE), (100, 59, PROGRESS), (101, 60, ENDED)],
        False,
        31,  # the last second, played in real time
    ),
    "reload half way, carrying on from the same place": (
        [*played(0, 30), *played(30, DURATION, at=40)],
        True,
        60,
    ),
    "reload half way, starting over from the beginning": (
        [*played(0, 30), *played(0, DURATION, at=40)],
        True,
        60,
    ),
    "a report held up in the network (jitter) still counts": (
        [
            (0, 0, PLAY),
            (6.5, 5, PROGRESS),
            (10, 10, PROGRESS),
            *played(10, DURATION, at=15, first=PROGRESS)[1:],
        ],
        True,
        58.5,
    ),
    "positions beyond the video are the end": (
        [*played(0, 55), (60, 70, ENDED)],
        True,
        60,
    ),
    "ended before the end does not finish it": (
        [*played(0, 50), (50.5, 50, ENDED)],
        False,
        50,
    ),
}


@pytest.mark.parametrize(("reports", "watched", "seen"), CASES.values(), ids=CASES.keys())
def test_the_server_decides_what_was_watched(reports, watched, seen):
    viewing = replay(reports)
    assert viewing.watched is watched
    assert viewing.watched_seconds == pytest.approx(seen, abs=0.01)


def test_a_seek_to_the_end_says_why_it_did_not_count():
    viewing = replay([(0, 0, PLAY)])
    outcome = rules.apply_report(
        viewing, Report(position=60, event=PROGRESS, at=START + dt.timedelta(seconds=1)), duration=DURATION
    )
    assert outcome.credited == 0
    assert outcome.reason == "moved faster than real time: a seek, not viewing"
    assert outcome.viewing.position == 60  # the player is there now; the next report starts from it


def test_once_watched_it_stays_watched_whatever_comes_next():
    viewing = replay(played(0, DURATION))
    assert replay([(100, 0, SEEKED), (101, 60, ENDED)], viewing=viewing).watched


def test_coverage_is_a_sorted_union_of_what_was_seen():
    viewing = replay([*played(30, 40), (12, 0, SEEKED), *played(0, 10, at=12)])
    assert viewing.ranges == ((0.0, 10.0), (30.0, 40.0))
    assert rules.percent_watched(viewing, DURATION) == 33


def test_unknown_events_and_impossible_positions_are_refused():
    with pytest.raises(ValueError, match="unknown player event"):
        rules.apply_report(Viewing(), Report(position=1, event="skip", at=START), duration=DURATION)
    with pytest.raises(ValueError, match="finite"):
        rules.apply_report(Viewing(), Report(position=float("nan"), event=PLAY, at=START), duration=DURATION)


reports_strategy = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=30, allow_nan=False),  # seconds since the previous report
        st.floats(min_value=-10, max_value=200, allow_nan=False),  # any position at all
        st.sampled_from(sorted(rules.EVENTS)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(reports_strategy)
# Found by hypothesis in CI: each end rounded to the nearest millisecond credited 1.938 s of
# viewing for 1.9375 s of wall-clock time.
@example([(0.0, 0.0, "play"), (1.9375, 2.0, "ended")])
def test_no_sequence_of_reports_sees_more_than_the_time_that_passed(gaps_positions_events):
    """Whatever a player sends, coverage never outgrows the wall-clock time between its reports,
    nor the video."""
    reports, second = [], 0.0
    for gap, position, event in gaps_positions_events:
        second += gap
        reports.append((second, position, event))
    viewing = replay(reports)
    assert viewing.watched_seconds <= second + 1e-6
    assert viewing.watched_seconds <= DURATION + 1e-6
    assert all(0 <= start < end <= DURATION for start, end in viewing.ranges)
    if viewing.watched:
        assert viewing.watched_seconds >= rules.REQUIRED_SHARE * DURATION


# --- the quiz --------------------------------------------------------------------------------------

SCORES = [
    # right, total, pass mark, score shown, passed
    (6, 6, 80, 100, True),
    (5, 6, 80, 83, True),
    (4, 6, 80, 66, False),
    (4, 5, 80, 80, True),  # exactly the pass mark passes
    (5, 6, 84, 83, False),  # 83.3 % is under 84 %
    (5, 6, 83, 83, True),  # ...and over 83 %
    (0, 6, 0, 0, True),  # a pass mark of 0 passes anyone who answered
    (0, 0, 80, 0, False),  # no questions, no pass
]


@pytest.mark.parametrize(("right", "total", "pass_mark", "score", "passed"), SCORES)
def test_scores_and_the_pass_mark(right, total, pass_mark, score, passed):
    assert rules.score_percent(right, total) == score
    assert rules.passes(right, total, pass_mark=pass_mark) is passed


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ({1, 2}, True),
        ({2, 1}, True),
        ({1}, False),  # half of "choose all that apply" is not right
        ({1, 2, 3}, False),  # nor is everything
        (set(), False),
    ],
)
def test_an_answer_is_right_only_with_exactly_the_correct_choices(chosen, right):
    assert rules.answer_is_correct(chosen, {1, 2}) is right
