"""Bulk loading for the demo: the seeders build rows, this module writes them.

On PostgreSQL the rows stream through COPY (a city is some 15 million rows; INSERT statements would spend most of the
time compiling SQL). Ids are drawn from the table's own sequence before writing, so a seeder can point later rows at
earlier ones (a household at its head, a visit at its household) without reading anything back. Elsewhere (SQLite
for `make run`) the same rows go through bulk_create. Either way a time the seeder set is kept and an auto_now(_add)
time left empty becomes now.
"""

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter

from demo.clock import historic_times

# Rows per bulk_create batch where there is no COPY.
CHUNK = 2000
# Fields whose Python value is already what the column takes (psycopg adapts it): no per-value preparation.
PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField, models.DateField, models.ForeignKey)


def _db():
    return connections[DEFAULT_DB_ALIAS]


def _on_postgresql() -> bool:
    return _db().vendor == "postgresql"


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, taken from its sequence (PostgreSQL) or above its largest id."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with _db().cursor() as cursor:
        if _on_postgresql():
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def _stamped_fields(model) -> list[models.DateTimeField]:
    return [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]


def objects_insert(model: type[models.Model], objects: Iterable[models.Model]) -> list[models.Model]:
    """Write unsaved model instances and give each its primary key, as bulk_create would (no save() or signals).
    An instance whose key the seeder drew already (ids_reserve) keeps it."""
    objects, connection = list(objects), _db()
    if not objects:
        return objects
    now = timezone.now()
    stamped = _stamped_fields(model)
    fresh = [obj for obj in objects if obj.pk is None]
    for obj, pk in zip(fresh, ids_reserve(model, len(fresh)), strict=True):
        obj.pk = pk
    for obj in objects:
        # As bulk_create does: a foreign key set to an object written since takes that object's key.
        obj._prepare_related_fields_for_save(operation_name="objects_insert")
        for field in stamped:
            if getattr(obj, field.attname) is None:
                setattr(obj, field.attname, now)
    if not _on_postgresql():
        with historic_times(*stamped):
            model.objects.bulk_create(objects, batch_size=CHUNK)
    else:
        fields = model._meta.concrete_fields
        prepared = [(f.attname, None if isinstance(f, PLAIN_FIELDS) else f) for f in fields]
        rows = (
            [getattr(obj, name) if field is None else field.get_db_prep_save(getattr(obj, name), connection) for name, field in prepared] for obj in objects
        )
        _copy(model, [f.column for f in fields], rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def rows_insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write plain tuples of `columns` (field attnames) — for the largest tables, where building model instances would
    cost more than writing them. Every other field gets its default; the primary key comes from the database."""
    connection = _db()
    named = {f.attname: f for f in model._meta.concrete_fields}
    rest = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
    now, stamped = timezone.now(), _stamped_fields(model)
    tail = [now if f in stamped else f.get_default() for f in rest]
    if not _on_postgresql():
        count = 0
        chunk: list[models.Model] = []
        for row in rows:
            chunk.append(model(**dict(zip(columns, row, strict=True)), **{f.attname: value for f, value in zip(rest, tail, strict=True)}))
            if len(chunk) == CHUNK:
                count += len(objects_insert(model, chunk))
                chunk = []
        return count + len(objects_insert(model, chunk))
    tail = [f.get_db_prep_save(value, connection) for f, value in zip(rest, tail, strict=True)]
    return _copy(model, [named[c].column for c in columns] + [f.column for f in rest], (list(row) + tail for row in rows))


def _copy(model, columns: list[str], rows: Iterable[list]) -> int:
    connection = _db()
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    connection.ensure_connection()
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    # The queued writer sends from its own thread, so the seeder builds the next rows while the server takes these.
    with connection.connection.cursor() as cursor, cursor.copy(sql, writer=QueuedLibpqWriter(cursor)) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
