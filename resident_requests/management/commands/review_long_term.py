from django.core.management.base import BaseCommand
from django.utils import timezone

from resident_requests.services.notices import requests_long_term_review


class Command(BaseCommand):
    help = "Remind community cadres of the long-term requests (挂账) to review this month; safe to run twice."

    def handle(self, *args, **options):
        sent = requests_long_term_review(today=timezone.localdate())
        self.stdout.write(f"{sent} reminders sent.")
