"""Deadlines on the official calendar: holidays, make-up working days, working hours, uncovered years."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from resident_requests import calendar
from resident_requests.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def test_national_day_example():
    # 1-7 October are holidays and Saturday 10 October is a working day.
    assert calendar.add_working_days(at(2026, 9, 30, 10, 0), 5) == at(2026, 10, 13, 23, 59, 59)


def test_a_request_filed_before_the_holiday_is_not_due_on_1_october():
    assert calendar.add_working_days(at(2026, 9, 30, 16, 0), 1) == at(2026, 10, 8, 23, 59, 59)


def test_a_make_up_saturday_counts_and_an_ordinary_saturday_does_not():
    assert calendar.add_working_days(at(2026, 10, 9, 9, 0), 1) == at(2026, 10, 10, 23, 59, 59)
    assert calendar.add_working_days(at(2026, 11, 20, 9, 0), 1) == at(2026, 11, 23, 23, 59, 59)


def test_working_hours_cross_lunch_and_night():
    # 11:00 + 2h: one hour before lunch, one after it.
    assert calendar.add_working_hours(at(2026, 11, 18, 11, 0), 2) == at(2026, 11, 18, 15, 0)
    # Friday 16:30 + 3h: one hour on Friday, two on Monday morning.
    assert calendar.add_working_hours(at(2026, 11, 20, 16, 30), 3) == at(2026, 11, 23, 10, 30)
    # At night, the clock starts with the next working morning.
    assert calendar.add_working_hours(at(2026, 11, 18, 22, 0), 1) == at(2026, 11, 19, 9, 30)


def test_natural_hours_ignore_the_calendar():
    assert calendar.add_natural_hours(at(2026, 10, 1, 10, 0), 24) == at(2026, 10, 2, 10, 0)


def test_a_year_without_data_falls_back_to_monday_to_friday():
    assert not CalendarYear.objects.filter(year=2031).exists()
    assert not CalendarDay.objects.filter(date__year=2031).exists()
    # 1 October 2031 is a Wednesday; without that year's holidays it counts as a working day.
    assert calendar.add_working_days(at(2031, 9, 30, 10, 0), 1) == at(2031, 10, 1, 23, 59, 59)
    assert calendar.add_working_days(at(2031, 10, 3, 10, 0), 1) == at(2031, 10, 6, 23, 59, 59)


def test_entering_a_holiday_in_admin_moves_deadlines():
    CalendarDay.objects.create(date=dt.date(2031, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    assert calendar.add_working_days(at(2031, 9, 30, 10, 0), 1) == at(2031, 10, 2, 23, 59, 59)


def test_admin_warns_about_years_without_holidays(login, settings):
    response = login("district").get("/admin/resident_requests/calendarday/")
    assert any("2027" in str(message) for message in response.context["messages"])
