"""`make bench`: time the pages and APIs that matter at district scale (`BENCH_SCALE=city`: the ten-district city).

Seeds `seed_demo --scale district` (or city) into its own PostgreSQL database (BENCH_DATABASE_URL, default
grid_bench, or grid_bench_city, on 127.0.0.1) when it is not there yet, then prints one line per figure: median and
95th percentile over repeated requests, and the number of queries per request; at city scale each line also says
whether it keeps its budget (issue 15: lists 150 ms, dashboards 1 s district / 2 s city cold and 50 ms warm).
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# district by default; "small" makes a quick smoke run of `make load` possible; "city" is ten districts.
SCALE = os.environ.get("BENCH_SCALE", "district")
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/grid_bench{'' if SCALE == 'district' else '_' + SCALE}")
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
PASSWORD = "bench-password-2026"
# Medians a page may take at city scale; anything not named is a list (150 ms).
LIST_BUDGET_MS = 150
BUDGETS_MS = {"dashboard district cold (all figures)": 1000, "dashboard community1 cold (all figures)": 1000, "dashboard city cold (all figures)": 2000}
SWEEP_BUDGET_S = 30


def ensure_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def timed(client, url: str) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200, url
    durations = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return durations, len(ctx)


def report(name: str, durations: list[float], queries: int) -> None:
    ordered = sorted(durations)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    median = statistics.median(ordered)
    verdict = ""
    if SCALE == "city":
        budget = BUDGETS_MS.get(name, 50 if "warm" in name else LIST_BUDGET_MS)
        verdict = f"   budget {budget:5d} ms {'ok' if median <= budget else 'OVER'}"
    print(f"{name:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms   queries {queries:3d}{verdict}", flush=True)


def main() -> int:
    ensure_database(BENCH_DATABASE_URL)
    setup_django()
    from django.core.management import call_command
    from django.test import Client, override_settings

    from demo.seed import city_seed, demo_seed
    from governance.models import User

    call_command("migrate", "--noinput", verbosity=0)
    started = time.monotonic()
    # The accounts get the production hasher, so the bench database can be logged in to (make load, dev settings).
    with override_settings(PASSWORD_HASHERS=["core.hashers.Argon2idHasher"]):
        result = city_seed(password=PASSWORD, seed=1) if SCALE == "city" else demo_seed(scale=SCALE, password=PASSWORD, seed=1)
    if result is not None:
        print(f"{'seed_demo --scale ' + SCALE:<44} {time.monotonic() - started:7.1f} s    {result}", flush=True)
        # A fresh bulk load has neither planner statistics nor a visibility map yet: autovacuum would make both later,
        # and counts read from an index alone only once the map says the pages are all visible.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # What the nightly job keeps: the closed months' counts that the dashboards' trend reads.
    from oversight.rollups import months_roll_up

    months_roll_up()
    if "--seed-only" in sys.argv:
        return 0

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    district = client_for("district")
    street = client_for("street1")
    community = client_for("community1")
    grid_worker = client_for("grid1")
    ids = {m.user.username: m for m in demo_memberships()}
    from households.models import Household

    grid1_household = Household.objects.filter(grid_id=ids["grid1"].grid_id).order_by("id").first()
    from django.utils import timezone

    from resident_requests.models import ResidentRequest

    grid1_request = ResidentRequest.objects.filter(grid_id=ids["grid1"].grid_id).order_by("-id").first()
    year_start = timezone.localdate().replace(month=1, day=1).isoformat()
    pages = [
        ("district home", district, "/"),
        ("district node page (8 streets)", district, f"/org/district/{ids['district'].district_id}/"),
        ("street node page", street, f"/org/street/{ids['street1'].street_id}/"),
        ("community node page", community, f"/org/community/{ids['community1'].community_id}/"),
        ("grid node page (20 buildings)", grid_worker, f"/org/grid/{ids['grid1'].grid_id}/"),
        ("audit log (district)", district, "/audit/"),
        ("admin grid list (district, 500 grids)", district, "/admin/grids/grid/"),
        ("admin building list (district, 10k)", district, "/admin/grids/building/"),
        ("admin building search (district)", district, "/admin/grids/building/?q=3%E5%8F%B7%E6%A5%BC"),
        ("API grids (district)", district, "/api/grids/"),
        ("API buildings page 100 (district)", district, "/api/buildings/?page=100"),
        ("API buildings of a grid (grid worker)", grid_worker, f"/api/buildings/?grid={ids['grid1'].grid_id}"),
        ("API memberships (district)", district, "/api/memberships/"),
        ("household list (grid1)", grid_worker, "/households/"),
        ("household list (district, 100k)", district, "/households/"),
        ("household search by name (district)", district, "/households/?q=%E7%8E%8B%E4%BC%9F"),
        ("household search by tag (community1)", community, "/households/?tag=elderly_80"),
        ("building page (grid1)", grid_worker, f"/buildings/{grid1_household.building_id}/households/"),
        ("household page (grid1)", grid_worker, f"/households/{grid1_household.pk}/"),
        ("API households (district)", district, "/api/households/"),
        ("API residents (community1)", community, "/api/residents/"),
        ("visits due (grid1)", grid_worker, "/visits/due/"),
        ("coverage of community1", community, f"/coverage/community/{ids['community1'].community_id}/"),
        ("situation map of community1", community, f"/map/community/{ids['community1'].community_id}/"),
        ("situation map GeoJSON (district, 10k points)", district, f"/api/map/district/{ids['district'].district_id}/"),
        ("situation map page (district)", district, f"/map/district/{ids['district'].district_id}/"),
        ("request queue (grid1)", grid_worker, "/requests/"),
        ("dispatch board (community1)", community, "/requests/board/"),
        ("overdue requests (district)", district, "/requests/overdue/"),
        ("request page (grid1)", grid_worker, f"/requests/{grid1_request.pk}/"),
        ("request figures (district, this year)", district, f"/requests/figures/?from={year_start}"),
        ("API requests (district)", district, "/api/requests/"),
        ("Open311 requests (anonymous)", Client(), "/open311/v2/requests.json"),
        ("volunteer page (volunteer1)", client_for("volunteer1"), "/volunteers/me/"),
        ("activity list (community1)", community, "/volunteers/activities/"),
        ("volunteer desk (community1)", community, "/volunteers/desk/"),
        ("today page (grid1)", grid_worker, "/today/"),
        ("community workers (district)", district, "/cadres/"),
        ("bookings (community1)", community, "/services/bookings/"),
        ("tasks pushed down: overview (district)", district, "/duties/overview/"),
        ("deliberation topics (community1)", community, "/deliberation/"),
    ]
    if SCALE == "city":
        city = client_for("city1")
        pages += [
            ("household list (city, 1M)", city, "/households/"),
            ("household search by name (city, 2.5M)", city, "/households/?q=%E7%8E%8B%E4%BC%9F"),
            ("API requests (city, 600k)", city, "/api/requests/"),
            ("overdue requests (city)", city, "/requests/overdue/"),
            ("audit log (city)", city, "/audit/"),
        ]
    for name, client, url in pages:
        report(name, *timed(client, url))
    dashboards_cold_and_warm(district, ids)
    if SCALE == "city":
        city_dashboard_cold_and_warm(city)
    sweep_overdue(100_000 if SCALE == "city" else 10_000)
    return 0


def dashboards_cold_and_warm(client, ids) -> None:
    """The district dashboard computed from scratch (cold) and read from the 5-minute cache (warm)."""
    from django.core.cache import cache
    from django.utils import timezone

    from core.dates import period_bounds
    from governance.models import Community, District
    from oversight import dashboards

    start, end = period_bounds("month", timezone.localdate())
    for name, node in (
        ("district", District.objects.get(pk=ids["district"].district_id)),
        ("community1", Community.objects.get(pk=ids["community1"].community_id)),
    ):
        durations = []
        for _ in range(5):
            started = time.perf_counter()
            dashboards.compute(node, start, end)
            durations.append((time.perf_counter() - started) * 1000)
        report(f"dashboard {name} cold (all figures)", durations, 0)
    cache.clear()
    dashboards.dashboard_refresh(node=District.objects.get(pk=ids["district"].district_id), start=start, end=end)
    report("dashboard district warm (page)", *timed(client, f"/dashboard/district/{ids['district'].district_id}/"))


def city_dashboard_cold_and_warm(client) -> None:
    """The city's dashboard (its ten districts, a row each) from scratch and from the cache."""
    from django.core.cache import cache
    from django.utils import timezone

    from core.dates import period_bounds
    from demo.hierarchy import CITY_CODE
    from governance.models import City
    from oversight import dashboards

    start, end = period_bounds("month", timezone.localdate())
    city = City.objects.get(code=CITY_CODE)
    durations = []
    for _ in range(5):
        started = time.perf_counter()
        dashboards.compute(city, start, end)
        durations.append((time.perf_counter() - started) * 1000)
    report("dashboard city cold (all figures)", durations, 0)
    cache.clear()
    dashboards.dashboard_refresh(node=city, start=start, end=end)
    report("dashboard city warm (page)", *timed(client, f"/dashboard/city/{city.pk}/"))


def sweep_overdue(count: int) -> None:
    """Make `count` open requests overdue, sweep until done, report the time; everything is rolled back."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from resident_requests.lifecycle import HANDLING, Stage, Status
    from resident_requests.models import ResidentRequest
    from resident_requests.services.escalation import requests_sweep

    with transaction.atomic():
        open_ids = list(ResidentRequest.objects.filter(status__in=HANDLING).values_list("pk", flat=True)[:count])
        if len(open_ids) < count:
            # Reopen closed ones as in-progress so that the sweep has its full load.
            extra = ResidentRequest.objects.filter(status=Status.CLOSED).values_list("pk", flat=True)[: count - len(open_ids)]
            open_ids += list(extra)
        past = timezone.now() - dt.timedelta(hours=1)
        ResidentRequest.objects.filter(pk__in=open_ids).update(
            status=Status.IN_PROGRESS, stage=Stage.HANDLE, stage_started_at=past - dt.timedelta(days=5), stage_deadline=past, level="grid"
        )
        started = time.perf_counter()
        escalated = 0
        while True:
            result = requests_sweep()
            escalated += result["escalated"]
            if not result["more"]:
                break
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    verdict = f"   budget {SWEEP_BUDGET_S} s {'ok' if elapsed <= SWEEP_BUDGET_S else 'OVER'}" if SCALE == "city" else ""
    print(f"{'sweep over ' + str(count) + ' overdue requests':<44} {elapsed:7.1f} s    escalated {escalated}{verdict}", flush=True)


def demo_memberships():
    from governance.models import Membership

    return Membership.objects.filter(user__username__in=["district", "street1", "community1", "grid1"]).select_related("user")


if __name__ == "__main__":
    sys.exit(main())
