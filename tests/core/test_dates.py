import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from core import dates

D = dt.date


@pytest.mark.parametrize(
    ("day", "month_end", "quarter_start"),
    [
        (D(2024, 2, 10), D(2024, 2, 29), D(2024, 1, 1)),
        (D(2023, 2, 28), D(2023, 2, 28), D(2023, 1, 1)),
        (D(2025, 6, 30), D(2025, 6, 30), D(2025, 4, 1)),
        (D(2025, 12, 1), D(2025, 12, 31), D(2025, 10, 1)),
    ],
)
def test_month_and_quarter_edges(day, month_end, quarter_start):
    assert dates.month_start(day) == day.replace(day=1)
    assert dates.month_end(day) == month_end
    assert dates.quarter_start(day) == quarter_start
    assert dates.year_start(day) == D(day.year, 1, 1)


def test_week_starts_on_monday():
    assert dates.week_start(D(2025, 6, 1)) == D(2025, 5, 26)  # a Sunday
    assert dates.week_start(D(2025, 6, 2)) == D(2025, 6, 2)  # a Monday


def test_finished_periods_cross_the_new_year():
    assert dates.previous_month(D(2025, 1, 15)) == (D(2024, 12, 1), D(2024, 12, 31))
    assert dates.previous_month(D(2024, 3, 1)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert dates.previous_half_year(D(2025, 6, 30)) == (D(2024, 7, 1), D(2024, 12, 31))
    assert dates.previous_half_year(D(2025, 7, 1)) == (D(2025, 1, 1), D(2025, 6, 30))
    assert dates.previous_year(D(2025, 1, 1)) == (D(2024, 1, 1), D(2024, 12, 31))


def test_a_window_of_days_runs_from_local_midnight_to_the_midnight_after_the_last_day():
    with timezone.override(zoneinfo.ZoneInfo("Asia/Shanghai")):
        since, until = dates.days_window(D(2025, 3, 1), D(2025, 3, 31))
        assert dates.year_window(2025) == dates.days_window(D(2025, 1, 1), D(2025, 12, 31))
    assert since == dt.datetime(2025, 2, 28, 16, tzinfo=dt.UTC)
    assert until == dt.datetime(2025, 3, 31, 16, tzinfo=dt.UTC)


TODAY = D(2025, 5, 20)


@pytest.mark.parametrize(
    ("period", "expected"),
    [("month", (D(2025, 5, 1), TODAY)), ("quarter", (D(2025, 4, 1), TODAY)), ("year", (D(2025, 1, 1), TODAY))],
)
def test_named_periods_run_up_to_today(period, expected):
    assert dates.period_bounds(period, TODAY) == expected
