from django.core.management.base import BaseCommand

from volunteers.services import wishes_remind_unclaimed


class Command(BaseCommand):
    help = "Remind community cadres of micro-wishes still unclaimed 14 days after publication (each once)."

    def handle(self, *args, **options):
        total = 0
        while True:
            reminded = wishes_remind_unclaimed()
            total += reminded
            if reminded == 0:
                break
        self.stdout.write(f"{total} wishes reminded.")
