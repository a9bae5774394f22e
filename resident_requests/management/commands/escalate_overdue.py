from django.core.management.base import BaseCommand

from resident_requests.services.escalation import SWEEP_BATCH, requests_sweep


class Command(BaseCommand):
    help = "Remind handlers at 80% of the time limit and escalate overdue requests one level (the 5-minute Celery job)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=SWEEP_BATCH)

    def handle(self, *args, batch_size: int, **options):
        totals = {"reminded": 0, "escalated": 0}
        while True:
            result = requests_sweep(batch_size=batch_size)
            totals = {key: totals[key] + result[key] for key in totals}
            if not result["more"]:
                break
        self.stdout.write(f"{totals['reminded']} reminded, {totals['escalated']} escalated.")
