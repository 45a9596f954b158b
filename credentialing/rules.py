"""Work-history coverage rule (PRODUCT.md): the last five years are covered, and every gap
longer than six months is explained. Pure: plain dates in, gaps out.
"""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

COVERAGE = relativedelta(years=5)
LONGEST_UNEXPLAINED_GAP = relativedelta(months=6)


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
