"""The business-day rule from PRODUCT.md, table-driven, no database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alma.business_days import calendar_for

NY = ZoneInfo("America/New_York")
CAL = calendar_for("America/New_York", "US")


def ny(*args):
    return datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(ny(2026, 11, 20, 17, 0), ny(2026, 11, 23, 17, 0), id="friday-17-to-monday-17"),
        pytest.param(ny(2026, 11, 25, 10, 0), ny(2026, 11, 27, 10, 0), id="thanksgiving"),
        pytest.param(ny(2026, 12, 24, 10, 0), ny(2026, 12, 28, 10, 0), id="christmas"),
        pytest.param(ny(2026, 12, 31, 10, 0), ny(2027, 1, 4, 10, 0), id="year-end"),
        pytest.param(ny(2026, 11, 21, 10, 0), ny(2026, 11, 24, 0, 0), id="saturday-to-end-of-monday"),
        pytest.param(ny(2026, 10, 30, 15, 0), ny(2026, 11, 2, 15, 0), id="dst-ends-over-weekend"),
        pytest.param(ny(2026, 3, 6, 9, 30), ny(2026, 3, 9, 9, 30), id="dst-starts-over-weekend"),
        pytest.param(ny(2026, 7, 2, 12, 0), ny(2026, 7, 6, 12, 0), id="independence-day-observed-friday"),
        pytest.param(ny(2026, 11, 24, 0, 0), ny(2026, 11, 25, 0, 0), id="midnight-tuesday"),
        pytest.param(ny(2026, 1, 16, 23, 59), ny(2026, 1, 20, 23, 59), id="mlk-day-monday"),
    ],
)
def test_one_business_day_later(start, expected):
    due = CAL.add_business_days(start, 1)
    assert due == expected
    # Same instant *and* same wall-clock reading in the company zone.
    assert due.astimezone(NY).strftime("%Y-%m-%d %H:%M %Z") == expected.strftime("%Y-%m-%d %H:%M %Z")


def test_dst_case_shows_the_offsets_the_provider_sees():
    due = CAL.add_business_days(ny(2026, 10, 30, 15, 0), 1)
    assert due.strftime("%a %d %b %H:%M %Z") == "Mon 02 Nov 15:00 EST"
    # 73 real hours passed, not 72: the extra hour of the fall-back night is not business time.
    utc = ZoneInfo("UTC")
    assert due.astimezone(utc) - ny(2026, 10, 30, 15, 0).astimezone(utc) == timedelta(hours=73)


def test_utc_input_is_read_in_the_company_zone():
    # Friday 2026-11-20 22:00 UTC is 17:00 in New York.
    start = datetime(2026, 11, 20, 22, 0, tzinfo=ZoneInfo("UTC"))
    assert CAL.add_business_days(start, 1) == ny(2026, 11, 23, 17, 0)


def test_the_company_zone_is_configurable():
    la = calendar_for("America/Los_Angeles", "US")
    start = datetime(2026, 11, 20, 22, 0, tzinfo=ZoneInfo("UTC"))  # Friday 14:00 in LA
    assert la.add_business_days(start, 1) == datetime(
        2026, 11, 23, 14, 0, tzinfo=ZoneInfo("America/Los_Angeles")
    )


def test_several_business_days():
    assert CAL.add_business_days(ny(2026, 11, 23, 9, 0), 5) == ny(2026, 12, 1, 9, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        CAL.add_business_days(datetime(2026, 11, 20, 17, 0), 1)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        (ny(2026, 11, 20, 17, 0), ny(2026, 11, 23, 17, 0), 24),  # over a weekend
        (ny(2026, 11, 25, 10, 0), ny(2026, 11, 27, 10, 0), 24),  # over Thanksgiving
        (ny(2026, 11, 21, 10, 0), ny(2026, 11, 22, 10, 0), 0),  # inside a weekend
        (ny(2026, 11, 23, 10, 0), ny(2026, 11, 23, 9, 0), 0),  # end before start
    ],
)
def test_business_time_between(start, end, hours):
    assert CAL.business_time_between(start, end) == timedelta(hours=hours)


def test_holidays_come_from_the_holidays_package():
    assert CAL.holiday_name(ny(2026, 11, 26).date()) == "Thanksgiving Day"
    assert not CAL.is_business_day(ny(2026, 7, 3).date())  # Independence Day (observed)
    assert CAL.is_business_day(ny(2026, 11, 27).date())  # Black Friday is a business day
