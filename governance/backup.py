"""Backup and restore: the PostgreSQL dump, the uploaded files, and a manifest of counts and of the keys the data needs.

A backup holds encrypted personal data; it is useless without the field keys, which are never written into it (the
manifest names them by fingerprint only). A restore goes into an empty database, refuses keys that do not match the
manifest, and checks every count and that the keys open the restored values.
"""

import datetime as dt
import json
import os
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import urlparse

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError

from core.personal_data import key_fingerprints

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar.gz"


def _pg_env(url: str | None) -> dict:
    """libpq's environment for the configured database, or for `url` when given (a restore target)."""
    if url:
        parsed = urlparse(url)
        parts = {"HOST": parsed.hostname, "PORT": parsed.port, "USER": parsed.username, "PASSWORD": parsed.password, "NAME": parsed.path.lstrip("/")}
    else:
        database = settings.DATABASES["default"]
        if "postgresql" not in database["ENGINE"]:
            raise CommandError("Backup and restore need PostgreSQL (DATABASE_URL).")
        parts = database
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    return {**os.environ, **{env: str(parts[key]) for key, env in names.items() if parts.get(key)}}


def row_counts(using=None) -> dict[str, int]:
    return {model._meta.label: model._base_manager.using(using).count() for model in apps.get_models() if model._meta.managed and not model._meta.proxy}


def backup_make(*, directory: Path) -> dict:
    """Write the dump, the media archive and the manifest into `directory` (created; must be empty)."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise CommandError(f"{directory} is not empty.")
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={directory / DUMP}"], env=_pg_env(None), check=True)
    with tarfile.open(directory / MEDIA, "w:gz") as archive:
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            archive.add(media, arcname=".")
    manifest = {
        "format": 1,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "keys": key_fingerprints(),
        "counts": row_counts(),
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def restore_keys_check(manifest: dict) -> None:
    """The configured keys must be those the backup's data was stored with (names by fingerprint, never the keys)."""
    current, needed = key_fingerprints(), manifest["keys"]
    missing = [fp for fp in needed["encryption"][:1] if fp not in current["encryption"]]
    if missing or needed["hash"] != current["hash"]:
        raise CommandError(
            "The configured field keys are not those of this backup. Needed: FIELD_ENCRYPTION_KEYS containing the key with "
            f"fingerprint {needed['encryption'][0]}, FIELD_HASH_KEY with fingerprint {needed['hash']}; configured: "
            f"{', '.join(current['encryption'])} and {current['hash']}. Nothing was restored."
        )


def backup_restore(*, directory: Path, database_url: str | None = None) -> dict:
    """Restore into an empty database; returns the counts found, equal to the manifest's, or raises."""
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    restore_keys_check(manifest)
    env = _pg_env(database_url)
    tables = subprocess.run(
        ["psql", "-tAc", "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    if tables != "0":
        raise CommandError(f"The target database already has {tables} tables: restore goes into an empty database.")
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={env['PGDATABASE']}", str(directory / DUMP)], env=env, check=True
    )
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(directory / MEDIA, "r:gz") as archive:
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(media, filter="data")
    return manifest
