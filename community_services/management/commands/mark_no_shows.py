from django.core.management.base import BaseCommand

from community_services.services import bookings_mark_no_shows


class Command(BaseCommand):
    help = "Mark appointments whose slot has ended while still booked as no-shows (a second run marks nothing)."

    def handle(self, *args, **options):
        self.stdout.write(f"{bookings_mark_no_shows()} bookings marked as no-shows.")
