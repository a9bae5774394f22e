"""`make load`: the locust scenario (bench/locustfile.py) against gunicorn on 127.0.0.1, at district scale.

Uses the bench database (seeded by `bench/run.py --seed-only` when missing), runs gunicorn with DEBUG off, then
locust headless from its own venv; prints requests/s, p50/p95/p99 and errors per page. LOAD_USERS (350),
LOAD_SPAWN_RATE (10 users a second), LOAD_DURATION (10m) and LOAD_WORKERS (3) change the run.
"""

import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import BENCH_DATABASE_URL, PASSWORD  # noqa: E402

PORT = 8100
OUT = ROOT / "var" / "load"
PYTHON = ROOT / ".venv" / "bin" / "python"
ENV = {
    **os.environ,
    "DATABASE_URL": BENCH_DATABASE_URL,
    "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    "DJANGO_DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "REDIS_URL": os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/12"),
}


def plan() -> dict:
    """Who logs in and what residents post to, read off the bench database."""
    os.environ.update(ENV)
    import django

    django.setup()
    from governance.models import District, Membership, Street
    from governance.roles import Role
    from households.models import Household
    from resident_requests.models import Category, Open311Partner
    from resident_requests.services.partners import open311_partner_key_issue

    def usernames(role, count):
        return list(Membership.objects.filter(role=role).order_by("pk").values_list("user__username", flat=True)[:count])

    category = Category.objects.filter(active=True, parent__isnull=False).order_by("pk").first()
    partner = Open311Partner.objects.order_by("pk").first()
    return {
        "password": PASSWORD,
        "grid_workers": usernames(Role.GRID_WORKER, 300),
        "cadres": usernames(Role.COMMUNITY_SECRETARY, 30),
        "district": District.objects.order_by("pk").values_list("pk", flat=True).first(),
        "streets": list(Street.objects.values_list("pk", flat=True)),
        "cards": list(Household.objects.filter(status=Household.Status.ACTIVE).order_by("?").values_list("public_token", flat=True)[:200]),
        "category": category.pk,
        "service_code": category.code,
        "open311_key": open311_partner_key_issue(actor=None, partner=partner),
    }


def summary(stats: Path) -> None:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    print(f"{'page':<22} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for row in rows:
        print(
            f"{row['Name'] or 'total':<22} {row['Request Count']:>9} {row['Failure Count']:>7} {float(row['Requests/s']):7.1f}"
            f" {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )


def main() -> int:
    subprocess.run([str(PYTHON), str(ROOT / "bench" / "run.py"), "--seed-only"], check=True, cwd=ROOT)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "plan.json").write_text(json.dumps(plan(), ensure_ascii=False), encoding="utf-8")
    workers = os.environ.get("LOAD_WORKERS", "3")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", workers, "--log-level", "warning"],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(1)
        users = os.environ.get("LOAD_USERS", "350")
        subprocess.run(
            [
                str(ROOT / ".venv-load" / "bin" / "locust"),
                "-f", str(ROOT / "bench" / "locustfile.py"),
                "--headless", "--only-summary",
                "-u", users, "-r", os.environ.get("LOAD_SPAWN_RATE", "10"), "-t", os.environ.get("LOAD_DURATION", "10m"),
                "--host", f"http://127.0.0.1:{PORT}",
                "--csv", str(OUT / "run"),
            ],
            check=False,
            cwd=ROOT,
            env={**os.environ, "LOAD_PLAN": str(OUT / "plan.json")},
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    summary(OUT / "run_stats.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
