"""The company's business calendar, configured from settings (the rule itself is pure)."""

from datetime import datetime

from django.conf import settings

from alma.business_days import BusinessCalendar, calendar_for


def company_calendar() -> BusinessCalendar:
    return calendar_for(settings.COMPANY_TIME_ZONE, settings.HOLIDAY_COUNTRY)


def one_business_day_after(moment: datetime) -> datetime:
    """PRODUCT.md's promise for every next-step email and every staff review."""
    return company_calendar().add_business_days(moment, 1)
