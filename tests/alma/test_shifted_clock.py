"""`scripts/test --at DATE`: every process of a run sees the same moved clock (alma/shifted_clock.py)."""

import datetime as dt
import json
import os
import subprocess
import sys
import time

import pytest
import time_machine
from django.utils import timezone

from alma import shifted_clock
from tests.helpers import NEW_YORK, REPO

# A process with the test settings reports its clock and the offset it hands down; then it starts
# one more such process (as a worker test does) and reports that one's too.
REPORT_CLOCK = """
import json, os, subprocess, sys, django
django.setup()
from django.utils import timezone
child = os.environ.get("CHILD")
line = {"now": timezone.now().isoformat(), "shift": os.environ.get("ALMA_TEST_CLOCK_SHIFT_SECONDS")}
if child:
    env = {**os.environ, "CHILD": ""}
    line["child"] = json.loads(subprocess.run([sys.executable, "-c", child], env=env, capture_output=True,
                                              text=True, check=True).stdout)
print(json.dumps(line))
"""


def test_a_date_alone_starts_the_run_at_ten_in_the_morning_company_time():
    assert shifted_clock.start_of_run("2028-02-29", "America/New_York") == dt.datetime(
        2028, 2, 29, 10, 0, tzinfo=NEW_YORK
    )
    assert shifted_clock.start_of_run("2027-07-05T23:59:30", "America/New_York") == dt.datetime(
        2027, 7, 5, 23, 59, 30, tzinfo=NEW_YORK
    )
    assert shifted_clock.start_of_run("2028-02-29T15:00+00:00", "America/New_York") == dt.datetime(
        2028, 2, 29, 15, 0, tzinfo=dt.UTC
    )


def test_a_date_that_does_not_exist_is_refused_by_name():
    with pytest.raises(ValueError, match="ALMA_TEST_CLOCK_AT='2027-02-29' is not a date"):
        shifted_clock.start_of_run("2027-02-29", "America/New_York")


def test_every_process_started_with_the_test_settings_agrees_on_the_moved_clock():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALMA_TEST_CLOCK_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "alma.settings.test",
        "ALMA_TEST_CLOCK_AT": "2028-02-29",
        "CHILD": REPORT_CLOCK,
    }
    real_before = shifted_clock.real_time()
    output = subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "-c", REPORT_CLOCK], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    real_elapsed = shifted_clock.real_time() - real_before
    parent = json.loads(output)
    child = parent["child"]

    parent_now = dt.datetime.fromisoformat(parent["now"])
    child_now = dt.datetime.fromisoformat(child["now"])
    start = dt.datetime(2028, 2, 29, 10, 0, tzinfo=NEW_YORK)
    # Both clocks start from the run's moment and tick in real time from it...
    assert start <= parent_now <= child_now <= start + dt.timedelta(seconds=real_elapsed)
    # ...because the first process fixed the offset and the second inherited it: a second process
    # working the date out for itself would have started at 10:00 again, behind the first.
    assert child["shift"] == parent["shift"]
    assert child_now > parent_now


def test_a_frozen_clock_inside_the_run_returns_to_the_runs_clock():
    shift = float(os.environ.get(shifted_clock.SHIFT, "0"))
    with time_machine.travel(dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC), tick=False):
        assert timezone.now() == dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)
    # Back on the run's clock: the real one moved by the run's offset (none in an unshifted run).
    assert abs(time.time() - (shifted_clock.real_time() + shift)) < 1
