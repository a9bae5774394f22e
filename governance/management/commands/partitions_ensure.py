"""Prepare the monthly partitions of the append-only tables ahead of time (daily job too)."""

from django.core.management.base import BaseCommand

from core.partitions import MONTHS_AHEAD, partitioned, partitions_ensure


class Command(BaseCommand):
    help = f"Create the current month's partition and the next {MONTHS_AHEAD} of every partitioned table (PostgreSQL); a re-run does nothing."

    def add_arguments(self, parser):
        parser.add_argument("--months-ahead", type=int, default=MONTHS_AHEAD, help="Months after the current one to prepare.")

    def handle(self, *args, **options):
        if not partitioned():
            self.stdout.write("Nothing to do: the tables are partitioned on PostgreSQL only.")
            return
        created = partitions_ensure(months_ahead=options["months_ahead"])
        for name in created:
            self.stdout.write(f"Created {name}.")
        self.stdout.write(f"{len(created)} partitions created.")
