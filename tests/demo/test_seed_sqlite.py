"""`make run` seeds the demo on SQLite and rolls its months up: neither may lean on PostgreSQL-only SQL (COPY, DISTINCT ON)."""

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
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--scale", "small"], ["rollup_months"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        outputs.append(done.stdout)
    assert "Seeded small: 2 streets, 4 communities, 12 grids, 60 buildings, 600 households" in outputs[1]
    # Two years of history: every closed month since the first one (24 or 25, by the day of the month).
    assert re.match(r"2[45] months rolled up", outputs[2]), outputs[2]
