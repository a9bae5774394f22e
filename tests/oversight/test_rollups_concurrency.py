"""Two roll-ups of a month never rolled up before, at once on real connections: both finish, and the counts are whole."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from core.dates import day_start, month_start
from households.models import Visit
from oversight.models import MonthlyCount, RolledMonth
from oversight.rollups import month_counts_write
from tests.factories import VisitFactory
from tests.resident_requests.test_concurrency import run_together

pytestmark = [pytest.mark.flushes_db, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
def test_two_first_roll_ups_of_a_month_at_once_both_finish_with_the_same_counts():
    month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
    assert not RolledMonth.objects.filter(month=month).exists()
    # Its own household: tests before it may have flushed the world.
    VisitFactory(visited_at=day_start(month) + dt.timedelta(days=9, hours=10))
    results, errors = run_together(lambda: month_counts_write(month=month), lambda: month_counts_write(month=month))
    assert not errors and results[0] == results[1]
    until = day_start(month_start(month + dt.timedelta(days=32)))
    visits = Visit.objects.filter(visited_at__gte=day_start(month), visited_at__lt=until).count()
    assert sum(MonthlyCount.objects.filter(month=month).values_list("visits", flat=True)) == visits > 0
    assert RolledMonth.objects.filter(month=month).count() == 1
