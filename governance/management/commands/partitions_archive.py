"""Detach the old months of the partitioned tables, write each to a CSV file, then drop it."""

import argparse
import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.partitions import TABLES, partitioned, partitions_archive


def month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"a month as YYYY-MM, not {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Archive every monthly partition before the given month: detach it, write its rows to DIR/<partition>.csv "
        "(COPY, CSV with a header line; load back with COPY <table> FROM ... (FORMAT csv, HEADER)), fsync the file, "
        "then drop the partition. The current and future months are refused. Not archived: "
        + ", ".join(table.table for table in TABLES if not table.archivable)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=month, help="The first month kept, YYYY-MM.")
        parser.add_argument("--dir", type=Path, default=Path(settings.VAR_DIR) / "archive", help="Where the CSV files go.")

    def handle(self, *args, **options):
        if not partitioned():
            self.stdout.write("Nothing to do: the tables are partitioned on PostgreSQL only.")
            return
        try:
            archived = partitions_archive(before=options["before"], directory=options["dir"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for item in archived:
            self.stdout.write(f"Archived {item.partition}: {item.rows} rows to {item.path}, partition dropped.")
        self.stdout.write(f"{len(archived)} partitions archived.")
