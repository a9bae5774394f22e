"""Date windows: the first day of a month, quarter or year, finished periods, and days as aware datetimes.

A window of days [start, end] is queried as [midnight of start, midnight after end) in the current time zone, so a
record stamped at 23:59 on the last day counts and one stamped at 00:00 the day after does not.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

PERIODS = ("month", "quarter", "year", "custom")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    # The 28th plus four days is always in the next month.
    return month_start(day.replace(day=28) + dt.timedelta(days=4)) - dt.timedelta(days=1)


def quarter_start(day: dt.date) -> dt.date:
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def year_start(day: dt.date) -> dt.date:
    return day.replace(month=1, day=1)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month before today's."""
    last = month_start(today) - dt.timedelta(days=1)
    return month_start(last), last


def previous_half_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last finished half-year: January to June once July has begun, otherwise last year's second half."""
    if today.month > 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)


def previous_year(today: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the beginning of the day, in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def days_window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The days from start to end inclusive, as [since, until) for created_at__gte / __lt."""
    return day_start(start), day_start(end + dt.timedelta(days=1))


def year_window(year: int) -> tuple[dt.datetime, dt.datetime]:
    return days_window(dt.date(year, 1, 1), dt.date(year, 12, 31))


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days of a named period up to today: this month, quarter or year."""
    if period == "year":
        return year_start(today), today
    if period == "quarter":
        return quarter_start(today), today
    return month_start(today), today


@dataclass(frozen=True)
class WorkingCalendar:
    """Working days: Monday to Friday, minus the official holidays and plus the make-up working days (调休)."""

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The Nth working day after `day`."""
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


# The official calendar lives in an upper app; it registers its reader here so that lower apps count the same days.
_calendar_source: Callable[[dt.date, dt.date], WorkingCalendar] | None = None


def working_calendar_register(source: Callable[[dt.date, dt.date], WorkingCalendar]) -> None:
    global _calendar_source
    _calendar_source = source


def working_calendar(start: dt.date, end: dt.date) -> WorkingCalendar:
    """The official calendar between two dates when one is registered, else plain Monday to Friday."""
    return _calendar_source(start, end) if _calendar_source else WorkingCalendar()
