"""The Insurance Form's business rules (PRODUCT.md), on plain values. No Django import.

- Malpractice insurance: at least $1,000,000 per claim and $3,000,000 aggregate.
- Work history: the last five years are covered, and every gap longer than six months is
  explained, either beside the position that follows it or, for the time since the last
  position, in one explanation of its own.

The form calls these and shows each message next to its field.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

MIN_PER_CLAIM = 1_000_000
MIN_AGGREGATE = 3_000_000
COVERAGE = relativedelta(years=5)
LONGEST_UNEXPLAINED_GAP = relativedelta(months=6)
WHY_EXPLAIN = "gaps of more than six months in the last five years need an explanation."


def liability_per_claim_problem(limit: int) -> str | None:
    if limit < MIN_PER_CLAIM:
        return f"The per-claim limit must be at least ${MIN_PER_CLAIM:,}."
    return None


def liability_aggregate_problem(limit: int) -> str | None:
    if limit < MIN_AGGREGATE:
        return f"The aggregate limit must be at least ${MIN_AGGREGATE:,}."
    return None


# A licensed therapist is an adult; a date outside this range is a typing slip (a year of
# birth typed as this year, or 1900 for 2000).
YOUNGEST_AGE = 18
OLDEST_AGE = 100


def date_of_birth_problem(born: date, *, today: date) -> str | None:
    if born >= today:
        return "A date of birth must be in the past: check the year."
    if born > today - relativedelta(years=YOUNGEST_AGE):
        return f"This date makes you younger than {YOUNGEST_AGE}: check the year."
    if born <= today - relativedelta(years=OLDEST_AGE):
        return f"This date makes you {OLDEST_AGE} or older: check the year."
    return None


@dataclass(frozen=True)
class Gap:
    start: date
    end: date
    # Index (in the given order) of the position that follows the gap; None for the time
    # between the last position's end and today.
    before_position: int | None

    def describe(self) -> str:
        return f"{self.start:%b %Y} to {self.end:%b %Y}"


def work_history_gaps(positions: list[tuple[date, date | None]], *, today: date) -> list[Gap]:
    """Gaps longer than six months within the last five years.

    `positions` are (start, end) pairs, end None for a current position, in any order.
    """
    window_start = today - COVERAGE
    order = sorted(range(len(positions)), key=lambda i: positions[i][0])
    gaps = []
    covered_until = window_start
    for index in order:
        start, end = positions[index]
        if start > covered_until + LONGEST_UNEXPLAINED_GAP:
            gaps.append(Gap(covered_until, start, index))
        covered_until = max(covered_until, end or today)
    if today > covered_until + LONGEST_UNEXPLAINED_GAP:
        gaps.append(Gap(covered_until, today, None))
    return gaps


@dataclass(frozen=True)
class Position:
    start: date
    end: date | None  # None: the current position
    gap_explanation: str = ""  # of the gap before it, if there is one


@dataclass(frozen=True)
class MissingExplanation:
    """A gap nobody explained, and where its explanation goes."""

    # Index (in the given order) of the position whose gap explanation it needs; None for the
    # time since the last position, which has its own explanation.
    position: int | None
    message: str


def missing_gap_explanations(
    positions: list[Position], *, recent_explanation: str, today: date
) -> list[MissingExplanation]:
    """The rule applied: each gap longer than six months in the last five years that has no
    explanation where it belongs, with the words that ask for it."""
    missing = []
    for gap in work_history_gaps([(p.start, p.end) for p in positions], today=today):
        if gap.before_position is None:
            if not recent_explanation.strip():
                message = f"Explain the time since your last position ({gap.describe()}): {WHY_EXPLAIN}"
                missing.append(MissingExplanation(None, message))
        elif not positions[gap.before_position].gap_explanation.strip():
            message = f"Explain the gap before this position ({gap.describe()}): {WHY_EXPLAIN}"
            missing.append(MissingExplanation(gap.before_position, message))
    return missing
