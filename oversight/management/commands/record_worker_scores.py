from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from governance.models import District
from oversight.cadre_scores import worker_scores_record


class Command(BaseCommand):
    help = "Write a year's assessment scores of grid workers into their files (default: last year), for every district or one."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--district", help="The district's 6-digit code.")

    def handle(self, *args, year, district, **options):
        districts = District.objects.all() if not district else District.objects.filter(code=district)
        if not districts.exists():
            raise CommandError(f"No district {district}.")
        total = sum(worker_scores_record(actor=None, district=d, year=year) for d in districts)
        self.stdout.write(f"{total} scores of {year} recorded.")
