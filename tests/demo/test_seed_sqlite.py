"""`make run` seeds the demo on SQLite, rolls its months up and sweeps: none may lean on PostgreSQL-only SQL (COPY, DISTINCT ON)."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_small_demo_seeds_on_sqlite_as_make_run_does(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    env.pop("REDIS_URL", None)
    outputs = []
    # The demo's requests being handled at grid level run out of time, as on a morning after a holiday.
    overdue = (
        "import datetime as dt; from django.utils import timezone; from resident_requests.models import ResidentRequest;"
        "ResidentRequest.objects.filter(status__in=['dispatched', 'taken', 'in_progress'], level='grid')"
        ".update(stage_deadline=timezone.now() - dt.timedelta(hours=1))"
    )
    # Ids of 20 digits, past SQLite's 64-bit integers: each page answers as for a missing id, never a 500.
    hostile = (
        "from django.test import Client; from governance.models import User; H = '9' * 20\n"
        "for username in ('grid1', 'community1'):\n"
        "    client = Client(HTTP_HOST='localhost'); client.force_login(User.objects.get(username=username))\n"
        "    for url in (f'/households/{H}/', f'/households/?building={H}', f'/requests/{H}/', f'/requests/board/?category={H}&grid={H}',"
        " f'/api/households/{H}/', f'/api/requests/?grid={H}', f'/visits/due/?grid={H}'):\n"
        "        print(username, url, client.get(url).status_code)"
    )
    steps = (
        ["migrate", "--noinput", "-v0"], ["seed_demo", "--scale", "small"], ["rollup_months"], ["shell", "-c", overdue], ["escalate_overdue"],
        ["shell", "-c", hostile],
    )  # fmt: skip
    for command in steps:
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append(done.stdout)
    assert "Seeded small: 2 streets, 4 communities, 12 grids, 60 buildings, 600 households" in outputs[1]
    # Two years of history: every closed month since the first one (24 or 25, by the day of the month).
    assert re.match(r"2[45] months rolled up", outputs[2]), outputs[2]
    # The demo's overdue requests go up a level, their timeline rows made by one INSERT … SELECT (core/bulk.py).
    assert int(re.match(r"(\d+) reminded, (\d+) escalated", outputs[4]).group(2)) > 0, outputs[4]
    answers = [line.rsplit(" ", 1)[1] for line in outputs[5].splitlines() if line.startswith(("grid1 ", "community1 "))]
    assert len(answers) == 14 and set(answers) <= {"200", "400", "403", "404"}, outputs[5]
    # The embedded broker keeps all its files under var/: nothing is written where the command was started.
    assert not (ROOT / "control").exists()
