"""Rows made by the database from a query (INSERT … SELECT): a batch of thousands costs one statement, no objects."""

from django.db import connections, router
from django.db.models import Expression, Model, QuerySet


def rows_insert_select(model: type[Model], columns: dict[str, str | Expression], source: QuerySet) -> int:
    """Insert one `model` row per row of `source`; `columns` maps each field to a path or expression of `source`.

    The SELECT is compiled by the ORM for the database in use, so it runs on PostgreSQL and SQLite alike.
    """
    names = {f"_{field}": value for field, value in columns.items()}
    select = source.annotate(**{name: value for name, value in names.items() if not isinstance(value, str)})
    select = select.values_list(*(value if isinstance(value, str) else name for name, value in names.items()))
    sql, params = select.query.sql_with_params()
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = ", ".join(quote(model._meta.get_field(field).column) for field in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({fields}) {sql}", params)
        return cursor.rowcount
