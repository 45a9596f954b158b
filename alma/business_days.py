"""The business-day calendar behind "within one business day" (PRODUCT.md).

Pure rules, no Django: time runs only on business days (Monday-Friday minus the country's
public holidays, observed dates included), and one business day is 24 such hours counted in
local wall-clock time. So Friday 17:00 + 1 = Monday 17:00, Saturday 10:00 + 1 = Tuesday 00:00
(the end of Monday), and a DST change over the weekend keeps the wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

DAY = timedelta(days=1)


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: ZoneInfo
    country: str = "US"
    _holidays: holidays.HolidayBase = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Observed days (e.g. 2026-07-03 for the 4th falling on a Saturday) are included.
        object.__setattr__(self, "_holidays", holidays.country_holidays(self.country))

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def holiday_name(self, day: date) -> str | None:
        return self._holidays.get(day)

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        day += DAY
        while not self.is_business_day(day):
            day += DAY
        return day

    def add_business_days(self, moment: datetime, days: int = 1) -> datetime:
        """`moment` plus `days` business days, as an aware datetime in the calendar's zone."""
        if moment.tzinfo is None:
            raise ValueError("add_business_days needs an aware datetime")
        if days < 0:
            raise ValueError("days must not be negative")
        # Work in naive local wall-clock time: a business day is 24 wall-clock hours.
        wall = moment.astimezone(self.time_zone).replace(tzinfo=None)
        if not self.is_business_day(wall.date()):
            wall = datetime.combine(self.next_business_day(wall.date()), time.min)
        remaining = timedelta(days=days)
        while True:
            end_of_day = datetime.combine(wall.date() + DAY, time.min)
            if remaining <= end_of_day - wall:
                return self._localize(wall + remaining)
            remaining -= end_of_day - wall
            wall = datetime.combine(self.next_business_day(wall.date()), time.min)

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time elapsed from `start` to `end` (zero if `end` is not later)."""
        wall = start.astimezone(self.time_zone).replace(tzinfo=None)
        stop = end.astimezone(self.time_zone).replace(tzinfo=None)
        elapsed = timedelta()
        while wall < stop:
            end_of_day = datetime.combine(wall.date() + DAY, time.min)
            if self.is_business_day(wall.date()):
                elapsed += min(end_of_day, stop) - wall
            wall = end_of_day
        return elapsed

    def _localize(self, wall: datetime) -> datetime:
        # A wall-clock time skipped by a spring-forward jump resolves to the later offset
        # (fold=0 gives the pre-transition offset; the UTC round trip normalises it).
        aware = wall.replace(tzinfo=self.time_zone)
        return aware.astimezone(ZoneInfo("UTC")).astimezone(self.time_zone)


@cache
def calendar_for(time_zone: str, country: str = "US") -> BusinessCalendar:
    return BusinessCalendar(time_zone=ZoneInfo(time_zone), country=country)
