"""The append-only tables are partitioned by month: prepared ahead, rows of a new month moved out of the DEFAULT
partition, old months archived to files, one-month queries reading one partition."""

import csv
import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from config.celery_app import app
from core.partitions import (
    MONTHS_AHEAD,
    TABLES,
    add_months,
    current_month,
    default_name,
    month_bounds,
    partition_ensure,
    partition_name,
    partitions_archive,
    partitions_ensure,
    partitions_list,
)
from governance.models import AuditEntry, User
from governance.tasks import partitions_ensure_daily
from households.models import Household, Visit
from notifications.models import Notification
from notifications.services import notification_send
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")]

TABLE = {table.table: table for table in TABLES}


def _rows(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _home(table: str, pk: int) -> str:
    """The partition that holds the row."""
    return _rows(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0][0]


def _at(monkeypatch, month: dt.date, day: int = 10) -> dt.datetime:
    """Freeze the clock inside `month`, so auto_now_add stamps rows there."""
    moment = month_bounds(month)[0] + dt.timedelta(days=day - 1, hours=9)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_the_append_only_tables_are_partitioned_by_their_time_column():
    found = dict(
        _rows(
            "SELECT p.partrelid::regclass::text, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]"
        )
    )
    assert found == {table.table: table.column for table in TABLES}


def test_every_table_has_the_months_ahead_and_a_default_partition():
    months = [add_months(current_month(), n) for n in range(MONTHS_AHEAD + 1)]
    for table in TABLES:
        names = {partition.name for partition in partitions_list(table.table) if partition.attached}
        assert {partition_name(table.table, month) for month in months} | {default_name(table.table)} <= names


def test_ids_still_come_from_the_sequence_and_get_by_pk_works(user):
    grid1 = user("grid1")
    first, second = (
        AuditEntry.objects.create(actor=grid1, action="create", content_type=ContentType.objects.get_for_model(User), object_id="1") for _ in range(2)
    )
    assert second.pk == first.pk + 1
    assert AuditEntry.objects.get(pk=second.pk) == second


def test_ensure_creates_the_months_ahead_and_a_rerun_creates_nothing():
    later = [add_months(current_month(), n) for n in (MONTHS_AHEAD + 1, MONTHS_AHEAD + 2)]
    created = partitions_ensure(months_ahead=MONTHS_AHEAD + 2)
    assert sorted(created) == sorted(partition_name(table.table, month) for table in TABLES for month in later)
    assert partitions_ensure(months_ahead=MONTHS_AHEAD + 2) == []
    # A new month keeps the unique keys the database can only enforce per partition.
    indexes = {name for (name,) in _rows("SELECT indexname FROM pg_indexes WHERE tablename = %s", [partition_name("volunteers_ledgerentry", later[0])])}
    assert {f"{partition_name('volunteers_ledgerentry', later[0])}_{column}_uniq" for column in ("reverses_id", "signup_id")} <= indexes


def test_the_command_prepares_the_months_too():
    call_command("partitions_ensure", "--months-ahead", str(MONTHS_AHEAD + 1), stdout=io.StringIO())
    month = add_months(current_month(), MONTHS_AHEAD + 1)
    assert all(partition_name(table.table, month) in {p.name for p in partitions_list(table.table)} for table in TABLES)


def test_ensure_moves_rows_of_a_new_month_out_of_the_default_partition(monkeypatch, user):
    grid1 = user("grid1")
    month = add_months(current_month(), MONTHS_AHEAD + 2)
    _at(monkeypatch, month)
    waiting = Notification.objects.create(user=grid1, key="far:1", title="远期")
    entry = AuditEntry.objects.create(actor=grid1, action="create", content_type=ContentType.objects.get_for_model(User), object_id=str(grid1.pk))
    assert _home("governance_notification", waiting.pk) == "governance_notification_default"

    assert partition_ensure(TABLE["governance_notification"], month)
    assert partition_ensure(TABLE["governance_auditentry"], month)

    assert _home("governance_notification", waiting.pk) == partition_name("governance_notification", month)
    assert _home("governance_auditentry", entry.pk) == partition_name("governance_auditentry", month)
    assert Notification.objects.get(pk=waiting.pk).title == "远期"
    assert not _rows("SELECT 1 FROM governance_notification_default")
    # The DEFAULT partition is attached again, with the audit log's append-only trigger.
    assert default_name("governance_auditentry") in {p.name for p in partitions_list("governance_auditentry") if p.attached}
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        _rows("UPDATE governance_auditentry SET object_repr = 'changed' WHERE id = %s", [entry.pk])
    # The moved month keeps (user, key) unique.
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(user=grid1, key="far:1", title="重复")


def test_a_key_sent_in_an_earlier_month_is_not_sent_again(monkeypatch, user):
    grid1 = user("grid1")
    last_month = add_months(current_month(), -1)
    partition_ensure(TABLE["governance_notification"], last_month)
    with monkeypatch.context() as frozen:
        _at(frozen, last_month)
        assert len(notification_send(notifications=[Notification(user=grid1, key="wish-unclaimed:7", title="心愿无人认领")])) == 1
    assert notification_send(notifications=[Notification(user=grid1, key="wish-unclaimed:7", title="心愿无人认领")]) == []
    assert Notification.objects.filter(user=grid1, key="wish-unclaimed:7").count() == 1


def test_archive_writes_old_months_to_files_and_drops_them(monkeypatch, tmp_path, user):
    grid1 = user("grid1")
    old = add_months(current_month(), -2)
    for table in ("governance_auditentry", "volunteers_ledgerentry"):
        partition_ensure(TABLE[table], old)
    with monkeypatch.context() as frozen:
        _at(frozen, old)
        entries = [
            AuditEntry.objects.create(actor=grid1, action="create", content_type=ContentType.objects.get_for_model(User), object_id=str(n)) for n in range(3)
        ]
    kept = AuditEntry.objects.create(actor=grid1, action="create", content_type=ContentType.objects.get_for_model(User), object_id="kept")
    # Deferred foreign-key checks of the rows above must not block the DROP TABLE of the same transaction.
    _rows("SET CONSTRAINTS ALL IMMEDIATE")

    archived = partitions_archive(before=current_month(), directory=tmp_path)

    name = partition_name("governance_auditentry", old)
    assert [(item.partition, item.rows) for item in archived] == [(name, 3)]
    with (tmp_path / f"{name}.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert sorted(int(row["id"]) for row in rows) == sorted(entry.pk for entry in entries)
    assert not AuditEntry.objects.filter(pk__in=[entry.pk for entry in entries]).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert name not in {p.name for p in partitions_list("governance_auditentry")}
    assert not list(tmp_path.glob("*.partial"))
    # A balance is the sum of every passbook entry: its months stay.
    assert partition_name("volunteers_ledgerentry", old) in {p.name for p in partitions_list("volunteers_ledgerentry") if p.attached}


def test_archive_finishes_a_month_detached_by_a_run_that_stopped(monkeypatch, tmp_path, user):
    old = add_months(current_month(), -3)
    partition_ensure(TABLE["governance_auditentry"], old)
    with monkeypatch.context() as frozen:
        _at(frozen, old)
        AuditEntry.objects.create(actor=user("grid1"), action="create", content_type=ContentType.objects.get_for_model(User), object_id="1")
    _rows("SET CONSTRAINTS ALL IMMEDIATE")
    name = partition_name("governance_auditentry", old)
    _rows(f"ALTER TABLE governance_auditentry DETACH PARTITION {name}")

    assert [(item.partition, item.rows) for item in partitions_archive(before=current_month(), directory=tmp_path)] == [(name, 1)]
    assert _rows("SELECT to_regclass(%s)", [name]) == [(None,)]


def test_archive_refuses_the_current_and_future_months(tmp_path):
    with pytest.raises(ValueError, match="only finished months"):
        partitions_archive(before=add_months(current_month(), 1), directory=tmp_path)
    with pytest.raises(Exception, match="only finished months"):
        call_command("partitions_archive", "--before", f"{add_months(current_month(), 1):%Y-%m}", "--dir", str(tmp_path))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.table)
def test_a_one_month_query_reads_one_partition(table):
    model = next(model for model in apps.get_models() if model._meta.db_table == table.table)
    start, end = month_bounds(current_month())
    plan = model.objects.filter(**{f"{table.column}__gte": start, f"{table.column}__lt": end}).explain()
    read = {partition.name for partition in partitions_list(table.table) if partition.name in plan}
    assert read == {partition_name(table.table, current_month())}, plan


def test_the_rebuild_keeps_rows_and_ids_both_ways():
    visit = f.VisitFactory(household=Household.objects.order_by("pk").first())
    # Deferred foreign-key checks of the row above must not block the ALTER TABLEs of the same transaction.
    _rows("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("governance", "0020_purpose_handle_booking")])
    assert not _rows("SELECT 1 FROM pg_partitioned_table")
    assert Visit.objects.get(pk=visit.pk).visited_at == visit.visited_at

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert {table for (table,) in _rows("SELECT partrelid::regclass::text FROM pg_partitioned_table")} == set(TABLE)
    assert Visit.objects.get(pk=visit.pk).visited_at == visit.visited_at
    assert f.VisitFactory(household=visit.household).pk > visit.pk


def test_the_daily_job_runs_on_the_default_queue_and_prepares_the_months(settings):
    job = next(job for job in settings.CELERY_BEAT_SCHEDULE.values() if job["task"] == partitions_ensure_daily.name)
    assert job["task"] == "governance.tasks.partitions_ensure_daily"
    assert app.amqp.router.route({}, job["task"])["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    _rows(f"DROP TABLE {partition_name('households_visit', add_months(current_month(), MONTHS_AHEAD))}")
    partitions_ensure_daily()
    assert partition_name("households_visit", add_months(current_month(), MONTHS_AHEAD)) in {p.name for p in partitions_list("households_visit")}
