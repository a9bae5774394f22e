"""`manage.py backup DIR`: the database (pg_dump), the uploaded files and a manifest (counts, the keys' fingerprints)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from governance.backup import backup_make


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into an empty folder, with a manifest naming the keys the data needs."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory, **options):
        manifest = backup_make(directory=directory)
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"Backed up {rows} rows and the media into {directory}; the data needs the field keys {manifest['keys']}.")
