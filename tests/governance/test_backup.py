"""Backup and restore: a backup restores into a fresh database with every row, and only with the keys it needs."""

import json
import os

import psycopg
import pytest
from django.conf import settings
from django.core.management.base import CommandError

from core.personal_data import decrypt, reset_keys
from governance.backup import MANIFEST, backup_make, backup_restore
from governance.field_keys import field_keys_problems
from households.models import Resident

pytestmark = pytest.mark.django_db


def url_of(name: str) -> str:
    database = settings.DATABASES["default"]
    return f"postgresql://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


@pytest.fixture
def fresh_database():
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("Backup and restore need PostgreSQL.")
    name = f"restore_drill_{os.getpid()}"
    admin = url_of("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url_of(name)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_and_the_keys_open_it(tmp_path, fresh_database):
    manifest = backup_make(directory=tmp_path / "backup")
    assert manifest["counts"]["households.Resident"] > 0 and "keys" in manifest
    # The manifest names the keys by fingerprint only: no key is written into the backup.
    text = (tmp_path / "backup" / MANIFEST).read_text()
    assert all(key not in text for key in [*settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY])

    backup_restore(directory=tmp_path / "backup", database_url=fresh_database)
    with psycopg.connect(fresh_database) as conn:
        residents = conn.execute("SELECT count(*) FROM households_resident").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM governance_auditentry").fetchone()[0]
        sample_pk, sample_enc = conn.execute("SELECT id, id_number_enc FROM households_resident WHERE id_number_enc <> '' ORDER BY id LIMIT 1").fetchone()
    assert residents == manifest["counts"]["households.Resident"] and audits == manifest["counts"]["governance.AuditEntry"]
    original = Resident.objects.get(pk=sample_pk)
    assert decrypt(sample_enc) == decrypt(original.id_number_enc) and len(decrypt(sample_enc)) == 18


def test_a_restore_with_other_keys_or_into_a_used_database_is_refused(tmp_path, fresh_database, settings):
    backup_make(directory=tmp_path / "backup")
    with pytest.raises(CommandError, match=r"already has \d+ tables"):
        backup_restore(directory=tmp_path / "backup", database_url=url_of(settings.DATABASES["default"]["NAME"]))
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    manifest["keys"]["hash"] = "0" * 16
    (tmp_path / "backup" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="not those of this backup"):
        backup_restore(directory=tmp_path / "backup", database_url=fresh_database)
    with psycopg.connect(fresh_database) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()[0] == 0


def test_the_app_refuses_keys_that_cannot_open_its_data(settings):
    """The attack of a careless restore: another SECRET_KEY's keys would show no ID and accept duplicates."""
    from cryptography.fernet import Fernet

    assert field_keys_problems() == []
    original = list(settings.FIELD_ENCRYPTION_KEYS)
    try:
        settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
        reset_keys()
        assert any("FIELD_ENCRYPTION_KEYS" in problem for problem in field_keys_problems())
        settings.FIELD_ENCRYPTION_KEYS = original
        reset_keys()
        settings.FIELD_HASH_KEY = "another-hash-key-of-another-install-0123456789"
        assert any("FIELD_HASH_KEY" in problem for problem in field_keys_problems())
    finally:
        settings.FIELD_ENCRYPTION_KEYS = original
        reset_keys()
