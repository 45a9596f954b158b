"""The whole test run with the real clock moved: `scripts/test --at 2028-02-29`.

A suite that passes only in the month it was written hides date bugs until the calendar finds
them (STYLE.md, "Time"). This moves the real clock of every process that loads the test
settings by one offset, with time-machine ticking, so the calendar says another date while
seconds still pass:

- `ALMA_TEST_CLOCK_AT` says where the run starts, in company time: `2028-02-29` (10:00 that
  day) or `2028-02-29T23:59:30`; a UTC offset may be given (`...T10:00+00:00`).
- `ALMA_TEST_CLOCK_SHIFT_SECONDS` is the offset itself. The first process works it out from
  `ALMA_TEST_CLOCK_AT` and exports it, so every process it starts (the `celery worker` of a
  worker test, a fault suite's workers, each prefork child) inherits the same offset and they
  all agree on "now". A date alone would not do: a process started a minute later would then
  be a minute behind the others.

The travel starts when the test settings are imported, so before pytest-django creates the
test database: the seeded rows of data migrations are made "on" the shifted date too. A test
that freezes the clock (`time_machine.travel(...)`) nests inside it and returns to the shifted,
ticking clock when it ends. PostgreSQL's own `now()` is not moved; the product takes every
timestamp from Django (`timezone.now()`), so nothing compares the two.
"""

import datetime as dt
import os
import sys
import time
from zoneinfo import ZoneInfo

import time_machine

AT = "ALMA_TEST_CLOCK_AT"
SHIFT = "ALMA_TEST_CLOCK_SHIFT_SECONDS"
# A date alone means mid-morning: the whole run (a few minutes) stays on that business day.
DEFAULT_TIME_OF_DAY = dt.time(10, 0)

_travel: time_machine.travel | None = None


def real_time() -> float:
    """The machine's clock, travelling or not (time-machine's escape hatch works only while
    travelling)."""
    hatch = time_machine.escape_hatch
    return hatch.time.time() if hatch.is_travelling() else time.time()


def start_of_run(at: str, company_zone: str) -> dt.datetime:
    """When `at` (a date, or a date and time in company time) is, as an aware datetime."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError as exc:
        raise ValueError(
            f"{AT}={at!r} is not a date (2028-02-29) or date and time (2028-02-29T10:00)"
        ) from exc
    if len(at) == len("2028-02-29"):
        moment = dt.datetime.combine(moment.date(), DEFAULT_TIME_OF_DAY)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(company_zone))
    return moment


def shift_to(at: str, company_zone: str) -> float:
    """Seconds to add to the real clock now so that it reads `at`."""
    return start_of_run(at, company_zone).timestamp() - real_time()


def start(company_zone: str) -> None:
    """Travel this process by the run's offset, if the run is shifted (idempotent)."""
    global _travel  # noqa: PLW0603 - one travel per process, however often settings are imported
    if _travel is not None:
        return
    if SHIFT not in os.environ:
        if not os.environ.get(AT):
            return
        # Fixed once here and inherited by every subprocess, so all of them agree on "now".
        os.environ[SHIFT] = repr(shift_to(os.environ[AT], company_zone))
    shift = float(os.environ[SHIFT])
    # A timestamp, not a zoned datetime: time-machine would set TZ for a ZoneInfo destination.
    _travel = time_machine.travel(real_time() + shift, tick=True)
    _travel.start()
    time.time()  # the clock ticks from its first reading; read it now, not at the first test


def is_shifted() -> bool:
    return SHIFT in os.environ


def describe(company_zone: str) -> str | None:
    """One line for the start of the run: where the clock was moved, or None when it was not."""
    if not is_shifted():
        return None
    shift = float(os.environ[SHIFT])
    now = dt.datetime.fromtimestamp(real_time() + shift, ZoneInfo(company_zone))
    return (
        f"Clock moved to {now:%A %Y-%m-%d %H:%M} {company_zone} "
        f"({shift / 86400:+.1f} days; {SHIFT}={shift:.0f}) for every process of this run"
    )


if __name__ == "__main__":
    # scripts/test: `python -m alma.shifted_clock DATE` prints the offset to export.
    from alma.settings.base import COMPANY_TIME_ZONE

    try:
        sys.stdout.write(f"{shift_to(sys.argv[1], COMPANY_TIME_ZONE):.3f}\n")
    except ValueError as exc:
        sys.exit(str(exc))
