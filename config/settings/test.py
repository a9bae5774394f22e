"""Test settings: PostgreSQL when DATABASE_URL is set (make test sets it), fast hashing, eager-free Celery."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Uploaded photos of the tests go to a throw-away folder, not into the project's var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="grid-test-media-"))
# Tests count the badges on every page (one test's cached number must not show in another's); tests/core/test_badges.py turns it on.
BADGE_CACHE_SECONDS = 0
