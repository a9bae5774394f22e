"""Production: refuses to start with DEBUG on, the default secret or SQLite."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import _DEV_FIELD_KEY, DATABASES, DEBUG, DEFAULT_SECRET_KEY, FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("Production settings refuse DJANGO_DEBUG=true; unset it or set it to false.")
if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Production settings need SECRET_KEY: a random value of at least 50 characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Production settings refuse SQLite; set DATABASE_URL to a PostgreSQL database.")
if _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS or derive_dev_key(SECRET_KEY, "field-hash") == FIELD_HASH_KEY:  # noqa: F405
    raise ImproperlyConfigured("Production settings need FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY of their own; see README (personal data).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
