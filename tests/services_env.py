"""Print the environment `make test` runs with: PostgreSQL and Redis when reachable.

Under CI=true both are required and a missing one fails the run; locally the suite falls back to
SQLite and the filesystem broker, and says so.
"""

import os
import socket
import sys
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/grid_governance"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    missing = []
    if reachable(database_url, 5432):
        print(f"DATABASE_URL={database_url}")
        # The replica is a mirror of the test database (tests/conftest.py): the suite reads through the replica router.
        print(f"DATABASE_REPLICA_URLS={os.environ.get('DATABASE_REPLICA_URLS') or database_url}")
    else:
        missing.append(f"PostgreSQL at {urlparse(database_url).hostname}")
    if reachable(redis_url, 6379):
        print(f"REDIS_URL={redis_url}")
    else:
        missing.append(f"Redis at {urlparse(redis_url).hostname}")
    if missing and ci:
        print(f"echo 'CI=true needs {' and '.join(missing)}; not reachable.' >&2; exit 1")
        return 0
    if missing:
        print(f"echo 'Not reachable: {' and '.join(missing)}; running on SQLite / the filesystem broker.' >&2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
