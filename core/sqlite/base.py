"""Django's SQLite backend, for `make run`, taking integers beyond 64 bits as PostgreSQL does.

SQLite's driver raises OverflowError for an integer it cannot store, so an id of 20 digits in a URL or a query string
was a 500 on the demo where PostgreSQL simply finds no row. Such a number is sent as its text instead, which equals no
stored integer: the lookup finds nothing and the page answers as for any missing id.
"""

import sqlite3

from django.db.backends.sqlite3 import base

INT64 = range(-(2**63), 2**63)


def _int_or_text(value: int) -> int | str:
    return value if value in INT64 else str(value)


# Exact ints only: bool keeps its own binding.
sqlite3.register_adapter(int, _int_or_text)


class DatabaseWrapper(base.DatabaseWrapper):
    pass
