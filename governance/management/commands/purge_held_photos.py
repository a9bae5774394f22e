"""Delete photos kept for forms that were never sent again (the hourly housekeeping runs the same)."""

from django.core.management.base import BaseCommand

from governance.held_photos import HOLD_HOURS, held_photos_purge


class Command(BaseCommand):
    help = f"Delete photos kept for forms longer than {HOLD_HOURS} hours."

    def handle(self, *args, **options):
        self.stdout.write(f"{held_photos_purge()} held photos deleted.")
