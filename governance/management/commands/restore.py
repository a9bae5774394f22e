"""`manage.py restore DIR`: into an empty database, with the backup's keys; checks every count and that the keys open the data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from governance.backup import backup_restore, row_counts
from governance.field_keys import field_keys_problems


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into the configured (empty) database and verify it."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        manifest = backup_restore(directory=directory)
        connections.close_all()
        found = row_counts()
        wrong = {label: (count, found.get(label)) for label, count in manifest["counts"].items() if found.get(label) != count}
        if wrong:
            raise CommandError(f"Counts differ after the restore (backup, restored): {wrong}")
        problems = field_keys_problems()
        if problems:
            raise CommandError(" ".join(problems))
        self.stdout.write(f"Restored {sum(found.values())} rows; every count matches the backup and the keys open the data.")
