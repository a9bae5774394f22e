from django.core.management.base import BaseCommand

from deliberation.reminders import deliberation_remind


class Command(BaseCommand):
    help = "Remind overdue follow-through tasks (once each) and communities without this month's three-party meeting (once a month)."

    def handle(self, *args, **options):
        self.stdout.write(f"{deliberation_remind()} reminders sent.")
