"""Two runs of the daily partition job at once, on real concurrent connections, create each partition once."""

import pytest
from django.db import connection

from core.partitions import TABLES, add_months, current_month, partition_ensure, partition_name
from tests.resident_requests.test_concurrency import run_together

pytestmark = [pytest.mark.flushes_db, pytest.mark.django_db(transaction=True)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
def test_two_runs_at_once_create_each_partition_once():
    months = [add_months(current_month(), n) for n in (20, 21, 22)]

    def run():
        return [partition_name(table.table, month) for table in TABLES for month in months if partition_ensure(table, month)]

    try:
        results, errors = run_together(run, run)
        assert not errors
        created = results[0] + results[1]
        assert sorted(created) == sorted(partition_name(table.table, month) for table in TABLES for month in months)
    finally:
        with connection.cursor() as cursor:
            for table in TABLES:
                for month in months:
                    cursor.execute(f"DROP TABLE IF EXISTS {partition_name(table.table, month)}")
