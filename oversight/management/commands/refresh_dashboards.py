from django.core.management.base import BaseCommand

from oversight.dashboards import dashboards_refresh_all
from oversight.situation import maps_refresh_all


class Command(BaseCommand):
    help = "Recompute the cached dashboard figures of the district, streets and communities, and the district and street maps (the 5-minute job)."

    def handle(self, *args, **options):
        self.stdout.write(f"{dashboards_refresh_all()} dashboards and {maps_refresh_all()} maps refreshed.")
