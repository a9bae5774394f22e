"""Production: refuses to start with DEBUG on, the default secret, SQLite or a short field hash key."""

import base64
import binascii
import re

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import _DEV_FIELD_KEY, DATABASES, DEBUG, DEFAULT_SECRET_KEY, FIELD_ENCRYPTION_KEYS, FIELD_HASH_KEY, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("Production settings refuse DJANGO_DEBUG=true; unset it or set it to false.")
if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Production settings need SECRET_KEY: a random value of at least 50 characters.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production settings refuse SQLite; set DATABASE_URL to a PostgreSQL database.")
if _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS or derive_dev_key(SECRET_KEY, "field-hash") == FIELD_HASH_KEY:  # noqa: F405
    raise ImproperlyConfigured("Production settings need FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY of their own; see README (personal data).")


def _key_bytes(value: str) -> bytes:
    """The random bytes a key is written as: hex (`openssl rand -hex 32`) or base64/base64url (`secrets.token_urlsafe(32)`)."""
    if re.fullmatch(r"(?:[0-9a-fA-F]{2})+", value):
        return bytes.fromhex(value)
    try:
        return base64.b64decode(value.replace("+", "-").replace("/", "_") + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return b""


# The hash key guards phones (about 7·10⁹ values) against a dictionary attack: 32 random bytes at least; 16 distinct
# byte values in 32 random bytes is all but certain, so fewer means a typed or repeated value.
_HASH_KEY_BYTES = _key_bytes(FIELD_HASH_KEY)
if len(_HASH_KEY_BYTES) < 32 or len(set(_HASH_KEY_BYTES)) < 16:
    raise ImproperlyConfigured(
        "Production settings need FIELD_HASH_KEY of at least 32 random bytes, written as hex or base64: "
        'python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )

# X-Forwarded-Proto is trusted only behind a proxy that sets it and drops the client's own; compose publishes gunicorn directly.
if env_bool("DJANGO_BEHIND_PROXY", False):  # noqa: F405
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
