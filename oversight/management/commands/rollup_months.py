from django.core.management.base import BaseCommand

from oversight.rollups import months_roll_up


class Command(BaseCommand):
    help = "Roll up the visits and requests of every month that has ended (per grid), counting the last two again (the nightly job)."

    def handle(self, *args, **options):
        months = months_roll_up()
        self.stdout.write(f"{len(months)} months rolled up" + (f": {months[0]:%Y-%m} to {months[-1]:%Y-%m}." if months else "."))
