"""The official working calendar (with 调休) and deadline arithmetic: working days, working hours, natural hours.

Working days are Monday to Friday, minus the holidays and plus the make-up working days of the
CalendarDay table. A year with no CalendarYear row falls back to plain Monday-Friday (admin warns).
"""

import datetime as dt

from django.utils import timezone

from core.dates import WorkingCalendar as Calendar
from resident_requests.models import CalendarDay, TimeLimit

MORNING = (dt.time(8, 30), dt.time(12, 0))
AFTERNOON = (dt.time(14, 0), dt.time(17, 30))
WINDOWS = (MORNING, AFTERNOON)


def calendar_for(start: dt.date, end: dt.date) -> Calendar:
    """The calendar rows between two dates, in one query."""
    rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind")
    holidays = {day for day, kind in rows if kind == CalendarDay.Kind.HOLIDAY}
    workdays = {day for day, kind in rows if kind == CalendarDay.Kind.WORKDAY}
    return Calendar(frozenset(holidays), frozenset(workdays))


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def add_working_days(start: dt.datetime, days: int, calendar: Calendar | None = None) -> dt.datetime:
    """End (23:59:59 local) of the Nth working day after the day of `start`."""
    local = _local(start)
    calendar = calendar or calendar_for(local.date(), local.date() + dt.timedelta(days=days * 3 + 40))
    day = calendar.add_working_days(local.date(), days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)), local.tzinfo)


def add_working_hours(start: dt.datetime, hours: float, calendar: Calendar | None = None) -> dt.datetime:
    """`hours` of working time inside the daily windows (08:30-12:00, 14:00-17:30) of working days."""
    local = _local(start)
    calendar = calendar or calendar_for(local.date(), local.date() + dt.timedelta(days=int(hours) + 40))
    remaining = dt.timedelta(hours=hours)
    day, cursor = local.date(), local.time()
    while True:
        if calendar.is_working_day(day):
            for opens, closes in WINDOWS:
                begin = max(cursor, opens)
                if begin >= closes:
                    continue
                available = dt.datetime.combine(day, closes) - dt.datetime.combine(day, begin)
                if remaining <= available:
                    return timezone.make_aware(dt.datetime.combine(day, begin) + remaining, local.tzinfo)
                remaining -= available
        day += dt.timedelta(days=1)
        cursor = dt.time(0, 0)


def add_natural_hours(start: dt.datetime, hours: float) -> dt.datetime:
    return start + dt.timedelta(hours=hours)


def deadline(start: dt.datetime, amount: float, unit: str, calendar: Calendar | None = None) -> dt.datetime:
    if unit == TimeLimit.Unit.WORKING_DAYS:
        return add_working_days(start, int(amount), calendar)
    if unit == TimeLimit.Unit.WORKING_HOURS:
        return add_working_hours(start, float(amount), calendar)
    return add_natural_hours(start, float(amount))


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working days after the day of `start` up to and including the day of `end`."""
    first, last = _local(start).date(), _local(end).date()
    calendar = calendar_for(first, last)
    return sum(1 for offset in range(1, (last - first).days + 1) if calendar.is_working_day(first + dt.timedelta(days=offset)))
