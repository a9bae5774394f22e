"""Test settings: PostgreSQL when DATABASE_URL is set (make test sets it), fast hashing, Celery tasks run in place."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "local": CACHES["local"]}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Uploaded photos of the tests go to a throw-away folder, not into the project's var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="grid-test-media-"))
# Tests count the badges on every page (one test's cached number must not show in another's); tests/core/test_badges.py turns it on.
BADGE_CACHE_SECONDS = 0
# A queued task runs at once in the test's own process and transaction, so a test sees what a worker would have done;
# tests/notifications/test_outbox.py turns it off to show what the request itself does.
CELERY_TASK_ALWAYS_EAGER = True
