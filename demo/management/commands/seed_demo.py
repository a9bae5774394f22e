import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.hierarchy import DEMO_ACCOUNTS, SCALES
from demo.seed import city_seed, demo_seed

DEBUG_PASSWORD = "demo12345"


class Command(BaseCommand):
    help = "Load the demo district (small, or the full district scale) or the demo city (ten districts); a second run adds nothing."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=[*sorted(SCALES), "city"], default="small")
        parser.add_argument("--password", help="Password of every demo account (defaults to a demo value only when DEBUG is on).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same district.")
        parser.add_argument("--jobs", type=int, default=2, help="City scale: how many districts are seeded at once (one per core).")

    def handle(self, *args, scale, password, seed: int, jobs: int, **options):
        if not password:
            if not settings.DEBUG:
                raise CommandError("--password is required when DEBUG is off.")
            password = DEBUG_PASSWORD
        started = time.monotonic()
        if scale == "city":
            result = city_seed(password=password, seed=seed, jobs=max(1, jobs), log=self.stdout.write)
        else:
            result = demo_seed(scale=scale, password=password, seed=seed)
        if result is None:
            self.stdout.write("The demo district is already loaded; nothing added.")
            return
        figures = ", ".join(f"{value} {key}" for key, value in result.items())
        self.stdout.write(self.style.SUCCESS(f"Seeded {scale}: {figures} in {time.monotonic() - started:.1f}s."))
        self.stdout.write(f"Demo accounts: {', '.join(DEMO_ACCOUNTS)}.")
