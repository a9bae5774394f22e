"""Delete what is kept only for a while: photos held for forms, and answered offline-replay keys (hourly housekeeping too)."""

from django.core.management.base import BaseCommand

from governance.held_photos import HOLD_HOURS, held_photos_purge
from governance.idempotency import KEEP_DAYS, idempotent_posts_purge


class Command(BaseCommand):
    help = f"Delete photos kept for forms after {HOLD_HOURS} hours and replay keys after {KEEP_DAYS} days."

    def handle(self, *args, **options):
        self.stdout.write(f"{held_photos_purge()} held photos and {idempotent_posts_purge()} replay keys deleted.")
