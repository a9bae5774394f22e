"""`make drill`: back up the demo database, restore it into a fresh one and check it (counts, a revealed ID, the audit).

Uses DATABASE_URL (PostgreSQL; default the demo's grid_governance on 127.0.0.1) and restores into `<name>_drill`,
which it creates and drops.
"""

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOURCE = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/grid_governance"


def main() -> int:
    os.environ.setdefault("DATABASE_URL", SOURCE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from core.personal_data import decrypt
    from governance.backup import backup_make, backup_restore

    parsed = urlparse(SOURCE)
    target_name = f"{parsed.path.lstrip('/')}_drill"
    admin = parsed._replace(path="/postgres").geturl()
    target = parsed._replace(path=f"/{target_name}").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{target_name}"')
    try:
        with tempfile.TemporaryDirectory() as folder:
            manifest = backup_make(directory=Path(folder) / "backup")
            backup_restore(directory=Path(folder) / "backup", database_url=target)
        with psycopg.connect(target) as conn:
            checks = {
                "households.Resident": conn.execute("SELECT count(*) FROM households_resident").fetchone()[0],
                "resident_requests.ResidentRequest": conn.execute("SELECT count(*) FROM resident_requests_residentrequest").fetchone()[0],
                "governance.AuditEntry": conn.execute("SELECT count(*) FROM governance_auditentry").fetchone()[0],
            }
            sample = conn.execute("SELECT id_number_enc FROM households_resident WHERE id_number_enc <> '' LIMIT 1").fetchone()
        for label, count in checks.items():
            status = "ok" if count == manifest["counts"][label] else "DIFFERS"
            print(f"{label:<36} backup {manifest['counts'][label]:>9}  restored {count:>9}  {status}")
        revealed = decrypt(sample[0]) if sample else ""
        print(f"a revealed ID number from the restore: {revealed[:6]}…{revealed[-2:]} ({len(revealed)} characters)")
        ok = all(count == manifest["counts"][label] for label, count in checks.items()) and len(revealed) == 18
        print("drill passed" if ok else "drill FAILED")
        return 0 if ok else 1
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
