from django.core.management.base import BaseCommand

from oversight.reports import monthly_reports_generate


class Command(BaseCommand):
    help = "Produce the past month's reports (PDF and .xlsx) of the cities, districts, streets and communities; safe to run twice."

    def handle(self, *args, **options):
        self.stdout.write(f"{monthly_reports_generate()} reports produced.")
