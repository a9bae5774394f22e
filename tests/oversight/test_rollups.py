"""The nightly roll-up of closed months: the dashboards' trend reads it and says exactly what counting live says."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from core.dates import day_start, month_start, period_bounds
from governance.models import User
from households.models import Household, Visit
from oversight import dashboards
from oversight.models import MonthlyCount, RolledMonth
from oversight.rollups import RECOUNT_MONTHS, months_roll_up
from tests.factories import VisitFactory

pytestmark = pytest.mark.django_db


def months_ago(n: int) -> dt.datetime:
    """Noon on the 10th, `n` months before this month."""
    month = month_start(timezone.localdate())
    for _ in range(n):
        month = month_start(month - dt.timedelta(days=1))
    return timezone.make_aware(dt.datetime.combine(month.replace(day=10), dt.time(12)))


@pytest.fixture
def history():
    """Visits in grid1's households over the past five months and this one."""
    grid = User.objects.get(username="grid1").memberships.get().grid
    households = list(Household.objects.filter(grid=grid, status="active").order_by("pk")[:3])
    for n, count in ((5, 2), (3, 4), (2, 1), (1, 3), (0, 2)):
        for i in range(count):
            VisitFactory(household=households[i % len(households)], visited_at=months_ago(n))
    return households


def trend_of(username: str) -> list[dict]:
    node = User.objects.get(username=username).memberships.get().node
    start, end = period_bounds("year", timezone.localdate())
    return dashboards.compute(node, start, end)["trend"]


@pytest.mark.parametrize("username", ["city1", "district", "street1", "community1", "grid1"])
def test_the_trend_from_the_roll_up_equals_the_trend_counted_live(history, username):
    live = trend_of(username)
    assert any(row["visits"] for row in live)
    months_roll_up()
    assert RolledMonth.objects.filter(month=month_start(timezone.localdate(months_ago(1)))).exists()
    assert not RolledMonth.objects.filter(month=month_start(timezone.localdate())).exists()
    assert trend_of(username) == live


def test_a_second_night_counts_only_the_last_months_again_and_catches_a_late_visit(history):
    first = months_roll_up()
    assert len(first) >= 5
    # A phone that was offline sends last month's visit today: the next night counts last month again.
    late = VisitFactory(household=history[0], visited_at=months_ago(1))
    again = months_roll_up()
    assert len(again) == RECOUNT_MONTHS
    last_month = month_start(timezone.localdate(months_ago(1)))
    row = MonthlyCount.objects.get(grid_id=late.grid_id, month=last_month)
    since, until = day_start(last_month), day_start(month_start(last_month + dt.timedelta(days=32)))
    assert row.visits == Visit.objects.filter(grid_id=late.grid_id, visited_at__gte=since, visited_at__lt=until).count() >= 4
    assert {r["month"]: r["visits"] for r in trend_of("grid1")}[f"{last_month:%Y-%m}"] == row.visits


def test_the_roll_up_is_a_nightly_job_and_a_command(history, capsys):
    assert settings.CELERY_BEAT_SCHEDULE["oversight-rollups"]["task"] == "oversight.tasks.rollups_nightly"
    call_command("rollup_months")
    assert "months rolled up" in capsys.readouterr().out
    assert RolledMonth.objects.exists()
