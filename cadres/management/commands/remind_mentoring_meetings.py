from django.core.management.base import BaseCommand

from cadres.mentoring import meetings_remind


class Command(BaseCommand):
    help = "Remind communities of mentoring meetings (exchange, seminar, results meeting) whose date passed unrecorded, once per meeting."

    def handle(self, *args, **options):
        self.stdout.write(f"{meetings_remind()} reminders sent.")
