"""The training's two rules, on plain values (no Django): when the webinar counts as watched, and
how a quiz attempt is scored.

Webinar (PRODUCT.md step 5, issue 5): "watched" means the server saw playback reach the end, with
watched time accumulating no faster than real time, so skipping to the end does not count. The
player's reports are not trusted: the server keeps which stretches of the video were seen
(`ranges`) and credits a stretch only when the position moved forward by no more than the
wall-clock time since the previous report (plus a little for network jitter), and never more
than that time. So:

- a seek forward is a jump, not viewing (the position moved faster than the clock);
- flooding reports credits at most the wall-clock time between them, in total;
- replaying a part covers the same stretch again: coverage is a union, not a sum;
- after a pause, a reload or a new device the next report only anchors the position.

The webinar is watched once an "ended" report arrives at the end while the stretches seen cover
at least REQUIRED_SHARE of it (a few seconds lost to jitter or a skipped credit roll are fine).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

# What the player reports (static/training/webinar.js).
PLAY = "play"  # playback started or resumed ("playing")
PROGRESS = "progress"  # every few seconds while playing, and just before a seek
PAUSE = "pause"
SEEKED = "seeked"  # the viewer jumped: the new position is a fresh start, never viewing
ENDED = "ended"
EVENTS = frozenset({PLAY, PROGRESS, PAUSE, SEEKED, ENDED})

# A report may arrive up to this much "early" relative to the previous one (that one was delayed
# in the network); beyond it the move is a seek. It decides only whether a stretch counts, never
# how much: the credit is capped at the wall-clock time, so jitter cannot add up.
JITTER_SECONDS = 2.0
# The player reports every few seconds; a background tab's timers may slow to once a minute.
# A longer silence means the page was closed or paused without telling us: the next report
# anchors the position instead of crediting the gap.
MAX_GAP_SECONDS = 90.0
# Credits shorter than this are dropped, so a flood of reports cannot shred the coverage into
# thousands of slivers (an honest player reports every few seconds).
MIN_CREDIT_SECONDS = 0.25
# Coverage is kept as at most this many separate stretches; an honest viewing has one or a few.
MAX_RANGES = 500
REQUIRED_SHARE = 0.95
# "ended" counts only at the end (the media's own end may differ from the stored duration by a
# few frames).
END_TOLERANCE_SECONDS = 1.0


@dataclass(frozen=True)
class Viewing:
    """What the server knows of one provider's viewing of one webinar."""

    position: float = 0.0
    last_report_at: datetime | None = None
    last_event: str = ""
    ranges: tuple[tuple[float, float], ...] = ()  # seen stretches, sorted and disjoint
    watched: bool = False

    @property
    def watched_seconds(self) -> float:
        return sum(end - start for start, end in self.ranges)


@dataclass(frozen=True)
class Report:
    position: float  # seconds into the video, as the player says
    event: str
    at: datetime  # when the server received it (the server's clock, never the player's)


@dataclass(frozen=True)
class Outcome:
    viewing: Viewing
    credited: float  # seconds newly covered by this report (0 for a replayed stretch)
    reason: str  # why the stretch counted or not, for logs and tests


def covered_seconds(ranges: Iterable[tuple[float, float]]) -> float:
    return sum(end - start for start, end in ranges)


def add_range(
    ranges: tuple[tuple[float, float], ...], start: float, end: float
) -> tuple[tuple[float, float], ...]:
    """The union of `ranges` and [start, end], kept sorted and merged."""
    merged: list[tuple[float, float]] = []
    for low, high in sorted([*ranges, (start, end)]):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def _stretch(viewing: Viewing, report: Report, position: float) -> tuple[float, str]:
    """How many seconds just before `position` this report shows were watched, and why."""
    if viewing.last_report_at is None:
        return 0.0, "first report: it only anchors the position"
    elapsed = (report.at - viewing.last_report_at).total_seconds()
    advance = position - viewing.position
    # The first that applies says why nothing counts.
    refusals = (
        (report.event == SEEKED, "a seek: a fresh start, not viewing"),
        (viewing.last_event in {PAUSE, ENDED}, "the video was paused or ended since the last report"),
        (elapsed <= 0, "no time passed since the last report"),
        (elapsed > MAX_GAP_SECONDS, "too long since the last report: it only anchors the position"),
        (advance <= 0, "the position did not move forward"),
        (advance > elapsed + JITTER_SECONDS, "moved faster than real time: a seek, not viewing"),
        (min(advance, elapsed) < MIN_CREDIT_SECONDS, "too little time since the last report to count"),
    )
    for refused, reason in refusals:
        if refused:
            return 0.0, reason
    return min(advance, elapsed), "watched in real time"


def apply_report(viewing: Viewing, report: Report, *, duration: float) -> Outcome:
    """The viewing after one report from the player. `duration` is the server's, not the player's."""
    if report.event not in EVENTS:
        raise ValueError(f"unknown player event {report.event!r}")
    if not math.isfinite(report.position):
        raise ValueError("the position must be a finite number of seconds")
    position = min(max(float(report.position), 0.0), float(duration))
    credit, reason = _stretch(viewing, report, position)
    ranges = viewing.ranges
    if credit and len(ranges) >= MAX_RANGES:
        credit, reason = 0.0, "too many separate stretches: keep playing from here"
    if credit:
        # Whole milliseconds, rounded inwards: rounding each end to the nearest would let a
        # stretch grow by up to a millisecond past the time that really passed.
        ranges = add_range(
            ranges, math.ceil((position - credit) * 1000) / 1000, math.floor(position * 1000) / 1000
        )
    watched = viewing.watched or (
        report.event == ENDED
        and position >= duration - END_TOLERANCE_SECONDS
        and covered_seconds(ranges) >= REQUIRED_SHARE * duration
    )
    after = replace(
        viewing,
        position=position,
        last_report_at=report.at,
        last_event=report.event,
        ranges=ranges,
        watched=watched,
    )
    return Outcome(after, credited=covered_seconds(ranges) - viewing.watched_seconds, reason=reason)


def percent_watched(viewing: Viewing, duration: float) -> int:
    """Whole percent of the video seen (rounded down: 99 % is not "all of it")."""
    if duration <= 0:
        return 0
    return min(100, math.floor(100 * viewing.watched_seconds / duration))


# --- the quiz ------------------------------------------------------------------------------------


def answer_is_correct(chosen: Collection[int], correct: Collection[int]) -> bool:
    """Right only when exactly the correct choices are chosen (all of them, and nothing else)."""
    return set(chosen) == set(correct)


def score_percent(correct: int, total: int) -> int:
    """The score shown to the provider, in whole percent (rounded down)."""
    return 0 if total == 0 else (100 * correct) // total


def passes(correct: int, total: int, *, pass_mark: int) -> bool:
    """Pass when the share of right answers reaches the pass mark (in percent), compared exactly:
    5 of 6 is 83.3 %, which passes a mark of 83 and fails 84."""
    return total > 0 and 100 * correct >= pass_mark * total
