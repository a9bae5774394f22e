"""Monthly partitions of the append-only tables that grow without end (PostgreSQL declarative partitioning).

The partition migrations rebuilt each table of TABLES as partitioned by range on a timestamp that is set once at
insert and is never null: one partition per month of settings.TIME_ZONE, named <table>_pYYYYMM, and a DEFAULT
partition that takes the rows of a month not prepared yet, so an insert is never lost. `partitions_ensure` (daily)
prepares the months ahead, moving any rows of a new month out of the DEFAULT partition; `partitions_archive` detaches
old months, writes each to a CSV file and only then drops it. Every step takes the table's advisory lock, so two runs
at once do each thing once. On another database than PostgreSQL nothing is partitioned and these do nothing.
"""

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from core.dates import month_start

# The daily job keeps partitions ready for the current month and this many after it.
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    # The partition key: set at insert, never null, never changed; the lists and figures filter on it.
    column: str
    # Unique keys without the partition key: PostgreSQL enforces them within each partition only.
    unique_per_month: tuple[tuple[str, ...], ...] = ()
    # False when old months may not leave the database: a volunteer's balance is the sum of every entry.
    archivable: bool = True


TABLES = (
    PartitionedTable("households_visit", "visited_at"),
    PartitionedTable("resident_requests_timelineentry", "at"),
    PartitionedTable("governance_auditentry", "at"),
    PartitionedTable("governance_personaldatalog", "at"),
    PartitionedTable("volunteers_ledgerentry", "created_at", unique_per_month=(("reverses_id",), ("signup_id",)), archivable=False),
    PartitionedTable("governance_notification", "created_at", unique_per_month=(("user_id", "key"),)),
)


@dataclass(frozen=True)
class Partition:
    name: str
    # None for the DEFAULT partition.
    month: dt.date | None
    # False for a month detached by an archive run that stopped before it dropped the table.
    attached: bool


@dataclass(frozen=True)
class Archived:
    partition: str
    path: Path
    rows: int


def partitioned() -> bool:
    return connection.vendor == "postgresql"


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as [its first midnight, the next month's) in settings.TIME_ZONE, whatever time zone is active."""
    zone = timezone.get_default_timezone()
    return tuple(dt.datetime.combine(day, dt.time.min, tzinfo=zone) for day in (month, add_months(month, 1)))


def current_month(today: dt.date | None = None) -> dt.date:
    return month_start(today or timezone.localdate(timezone=timezone.get_default_timezone()))


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_p{month:%Y%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


def _sql(query: sql.Composable) -> str:
    # Quoting of names and literals follows the connection's settings (encoding, standard strings).
    connection.ensure_connection()
    return query.as_string(connection.connection)


def _execute(query: sql.Composable, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_sql(query), params)
        return cursor.fetchall() if cursor.description else []


def _lock(table: str) -> None:
    """Until the transaction ends, no other partition step runs on this table."""
    _execute(sql.SQL("SELECT pg_advisory_xact_lock(hashtext(%s))"), [f"partitions:{table}"])


def _exists(name: str) -> bool:
    # A query on pg_class, not to_regclass: after waiting for the lock it sees the table the other run committed, where
    # the name cache of this session may not have caught up yet.
    return _execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = %s AND relnamespace = current_schema()::regnamespace)"), [name])[0][0]


def partitions_list(table: str) -> list[Partition]:
    """The table's monthly partitions by month, then its DEFAULT partition; detached months that wait for their archive too."""
    rows = _execute(
        sql.SQL(
            "SELECT c.relname, EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid AND i.inhparent = to_regclass(%s)) "
            "FROM pg_class c WHERE c.relkind = 'r' AND starts_with(c.relname, %s) AND pg_table_is_visible(c.oid)"
        ),
        [table, f"{table}_"],
    )
    pattern = re.compile(rf"{re.escape(table)}_(?:p(\d{{4}})(\d{{2}})|default)")
    found = []
    for name, attached in rows:
        if match := pattern.fullmatch(name):
            month = dt.date(int(match[1]), int(match[2]), 1) if match[1] else None
            found.append(Partition(name, month, attached))
    return sorted(found, key=lambda partition: (partition.month is None, partition.month or dt.date.min))


def _unique_per_month(table: PartitionedTable, partition: str) -> None:
    for columns in table.unique_per_month:
        index = f"{partition}_{'_'.join(columns)}_uniq"
        _execute(
            sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({})").format(
                sql.Identifier(index), sql.Identifier(partition), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
        )


def partition_ensure(table: PartitionedTable, month: dt.date) -> bool:
    """Create the month's partition unless it exists; True when this call created it.

    Rows of that month already in the DEFAULT partition (PostgreSQL would refuse the new partition) move into it in
    the same transaction: the DEFAULT partition is detached, the month created, the rows moved, DEFAULT attached again.
    """
    name = partition_name(table.table, month)
    if _exists(name):
        return False
    start, end = month_bounds(month)
    parent, default, key = sql.Identifier(table.table), sql.Identifier(default_name(table.table)), sql.Identifier(table.column)
    create = sql.SQL("CREATE TABLE IF NOT EXISTS {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
        sql.Identifier(name), parent, sql.Literal(start), sql.Literal(end)
    )
    with transaction.atomic():
        _lock(table.table)
        if _exists(name):
            return False
        waiting = _execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {} WHERE {} >= %s AND {} < %s)").format(default, key, key), [start, end])[0][0]
        if not waiting:
            _execute(create)
            _unique_per_month(table, name)
            return True
        _execute(sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(parent, default))
        _execute(create)
        _unique_per_month(table, name)
        _execute(
            sql.SQL("WITH moved AS (DELETE FROM {} WHERE {} >= %s AND {} < %s RETURNING *) INSERT INTO {} OVERRIDING SYSTEM VALUE SELECT * FROM moved").format(
                default, key, key, parent
            ),
            [start, end],
        )
        _execute(sql.SQL("ALTER TABLE {} ATTACH PARTITION {} DEFAULT").format(parent, default))
    return True


def partitions_ensure(*, months_ahead: int = MONTHS_AHEAD, today: dt.date | None = None, since: dt.date | None = None) -> list[str]:
    """Make sure every table has the current month's partition and the next `months_ahead` (and every month from
    `since`'s, for a load of history); returns those created."""
    if not partitioned():
        return []
    first = current_month(since or today)
    last = add_months(current_month(today), months_ahead)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return [partition_name(table.table, month) for table in TABLES for month in months if partition_ensure(table, month)]


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def partition_archive(table: PartitionedTable, partition: Partition, directory: Path) -> Archived | None:
    """Detach the month, write its rows to <directory>/<partition>.csv (PostgreSQL COPY, CSV with a header line),
    fsync the file, and only then drop the table. None when another run archived it meanwhile.

    The detach commits first, so the parent is locked only for a moment and not while the file is written; a run that
    stops before the drop leaves the detached table, which the next run archives (partitions_list lists it).
    """
    name = sql.Identifier(partition.name)
    if partition.attached:
        with transaction.atomic():
            _lock(table.table)
            if partition in partitions_list(table.table):
                _execute(sql.SQL("ALTER TABLE {} DETACH PARTITION {}").format(sql.Identifier(table.table), name))
    path = directory / f"{partition.name}.csv"
    partial = directory / f"{partition.name}.csv.partial"
    with transaction.atomic():
        _lock(table.table)
        if not _exists(partition.name):
            return None
        with connection.cursor() as cursor, partial.open("wb") as file:
            with cursor.copy(_sql(sql.SQL("COPY {} TO STDOUT (FORMAT csv, HEADER)").format(name))) as copy:
                for block in copy:
                    file.write(block)
            rows = cursor.rowcount
            file.flush()
            os.fsync(file.fileno())
        partial.replace(path)
        _fsync_directory(directory)
        _execute(sql.SQL("DROP TABLE {}").format(name))
    return Archived(partition.name, path, rows)


def partitions_archive(*, before: dt.date, directory: Path, today: dt.date | None = None) -> list[Archived]:
    """Archive every month before `before` of the archivable tables; the current and future months are refused."""
    if before > current_month(today):
        raise ValueError(f"{before:%Y-%m} is after the current month: only finished months can be archived.")
    if not partitioned():
        return []
    directory.mkdir(parents=True, exist_ok=True)
    done = []
    for table in TABLES:
        if not table.archivable:
            continue
        for partition in partitions_list(table.table):
            if partition.month is not None and partition.month < month_start(before):
                archived = partition_archive(table, partition, directory)
                if archived:
                    done.append(archived)
    return done
