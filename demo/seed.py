"""seed_demo's work: a district's tree and its people, then each app's demo data on top, in one transaction; a city is
ten such districts, seeded side by side."""

import datetime as dt
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from core.partitions import partitions_ensure
from demo.cadres import seed_cadres
from demo.community_services import seed_services
from demo.deliberation import seed_deliberation
from demo.duties import seed_duties
from demo.hierarchy import CITY_DISTRICTS, DemoDistrict, DemoSeeder
from demo.households import seed_ledger
from demo.requests import seed_requests
from demo.volunteers import seed_volunteers
from governance.models import District
from grids.places import city_outlines_derive

# How far back the demo's history goes (two years of requests, then the calendar's margin).
HISTORY_DAYS = 740
# In this order: requests and volunteers pick their residents from the households seeded first.
LATER_SEEDERS = (seed_ledger, seed_requests, seed_volunteers, seed_duties, seed_services, seed_deliberation, seed_cadres)


def demo_seed(*, scale: str, password: str, seed: int = 1, log=print, where: DemoDistrict = CITY_DISTRICTS[0]) -> dict | None:
    """Load one demo district unless it is there already; a second run adds nothing."""
    if District.objects.filter(code=where.code).exists():
        return None
    # The monthly partitions of the demo's history, each in its own short transaction before the district's long one.
    partitions_ensure(since=timezone.localdate() - dt.timedelta(days=HISTORY_DAYS))
    result = DemoSeeder(scale=scale, password=password, seed=seed, log=log, where=where).run(later=LATER_SEEDERS)
    # After the district's long transaction: districts seeded side by side would otherwise wait on their city's row.
    city_outlines_derive(district_ids=District.objects.filter(code=where.code).values("pk"))
    return result


def _district_seed(where: DemoDistrict, scale: str, password: str, seed: int) -> tuple[str, dict | None, float]:
    # A forked process must not share its parent's database connection.
    connections.close_all()
    started = time.monotonic()
    result = demo_seed(scale=scale, password=password, seed=seed, where=where, log=lambda *_args: None)
    connections.close_all()
    return where.name, result, time.monotonic() - started


def city_seed(*, password: str, seed: int = 1, jobs: int = 2, scale: str = "district", log=print) -> dict | None:
    """Load the demo city: ten districts (at district scale unless told), each in its own transaction, so that an interrupted run
    resumes where it stopped and a second run adds nothing. The first district goes alone (it also writes what every
    district shares: categories, time limits, the calendar, care tags); the others `jobs` at a time in their own
    processes, each keeping both the database and its own core busy."""
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        raise RuntimeError("city_seed forks a process per district: call it outside a transaction.")
    missing = [where for where in CITY_DISTRICTS if not District.objects.filter(code=where.code).exists()]
    if not missing:
        return None
    totals: dict[str, int] = {}

    def add(name: str, result: dict | None, seconds: float) -> None:
        for key, value in (result or {}).items():
            totals[key] = totals.get(key, 0) + value
        residents = "already there" if result is None else f"{result['residents']} residents"
        log(f"{name}: {residents} in {seconds:.0f}s")

    if missing[0] == CITY_DISTRICTS[0]:
        add(*_district_seed(missing.pop(0), scale, password, seed))
    connections.close_all()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        for outcome in pool.map(_district_seed, missing, *zip(*[(scale, password, seed)] * len(missing), strict=True)):
            add(*outcome)
    return {"districts": len(CITY_DISTRICTS), **totals}
