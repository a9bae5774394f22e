from django.core.management.base import BaseCommand

from resident_requests.defaults import calendar_import
from resident_requests.models import CalendarDay, CalendarYear


class Command(BaseCommand):
    help = "Add the holidays and make-up working days that the installed chinese-calendar package knows (existing days are kept)."

    def handle(self, *args, **options):
        years = calendar_import(CalendarYear, CalendarDay)
        self.stdout.write(f"Calendar years present: {years[0]}–{years[-1]}.")
