import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from households.reminders import visits_due_notify_all


class Command(BaseCommand):
    help = "Send each grid worker and cadre their visits due today (the daily Celery job); safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD; defaults to today.")

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD.") from exc
        sent = visits_due_notify_all(today=today)
        self.stdout.write(f"{sent} reminders sent for {today.isoformat()}.")
