from django.core.management.base import BaseCommand

from party_building.linkage import linkage_remind


class Command(BaseCommand):
    help = "Remind leaders behind on their linkage duty, and communities without this month's joint meeting (once a week each)."

    def handle(self, *args, **options):
        self.stdout.write(f"{linkage_remind()} reminders sent.")
