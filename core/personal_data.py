"""Personal data at rest (PIPL): encryption with rotatable keys, keyed hashes for lookups, masks for display.

Keys come from the environment: FIELD_ENCRYPTION_KEYS is a comma-separated list of Fernet keys, the
first one encrypting and all of them decrypting, so a new key is put first and `manage.py
rotate_field_keys` re-encrypts every value before the old key is dropped. FIELD_HASH_KEY keys the
HMAC used for equality lookups (duplicate ID numbers, phone search) without decrypting anything.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes).") from exc


def reset_keys() -> None:
    """Forget cached keys (after settings change, e.g. in a rotation)."""
    _fernet.cache_clear()


def encrypt(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS; was a key dropped too early?") from exc


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode() if token else ""


def keyed_hash(value: str) -> str:
    if not value:
        return ""
    return hmac.new(settings.FIELD_HASH_KEY.encode(), value.upper().encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """13***************X: the province and the check character only.

    Anyone who sees the mask may also know the resident's region (most carry the district's own code), age and sex;
    with only these two characters kept that still leaves about 16,000 candidate numbers (a year of birth dates ×
    the order code's 500 values of that sex ÷ 11 check characters). Keeping any digit of the order code, or the birth
    date, would cut that tenfold. Idempotent: masking a mask (of any older, wider format) gives the same mask.
    """
    if not value:
        return ""
    return value[:2] + "*" * (len(value) - 3) + value[-1:]


def mask_phone(value: str) -> str:
    """138****1234."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_name(value: str) -> str:
    """张**: the family name only, as volunteers and counters see a resident."""
    return value[:1] + "**" if value else ""


def mask_email(value: str) -> str:
    """z***@example.cn: the first character of the name and the domain."""
    if not value:
        return ""
    name, _at, domain = value.rpartition("@")
    return f"{name[:1]}***@{domain}" if name else "***"


# The stored columns of an encrypted value: the ciphertext, the keyed hash for lookups and the mask shown by default.
PHONE_FIELDS = ("phone_enc", "phone_hash", "phone_masked")
ID_NUMBER_FIELDS = ("id_number_enc", "id_number_hash", "id_number_masked")


def phone_fields(number: str) -> dict[str, str]:
    """The stored columns of a (normalised) phone number, to pass to a model or set on one."""
    return dict(zip(PHONE_FIELDS, (encrypt(number), keyed_hash(number), mask_phone(number)), strict=True))


def id_number_fields(number: str) -> dict[str, str]:
    """The stored columns of a (checked) ID number, to pass to a model or set on one."""
    return dict(zip(ID_NUMBER_FIELDS, (encrypt(number), keyed_hash(number), mask_id_number(number)), strict=True))


def derive_dev_key(secret: str, purpose: str) -> str:
    """A stable development key derived from SECRET_KEY; production settings refuse it."""
    digest = hashlib.sha256(f"{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def key_fingerprints() -> dict:
    """Short digests naming the keys in use (never the keys): a backup's manifest says which keys its data needs."""

    def fingerprint(key: str) -> str:
        return hashlib.sha256(f"fingerprint:{key}".encode()).hexdigest()[:16]

    return {"encryption": [fingerprint(key) for key in settings.FIELD_ENCRYPTION_KEYS], "hash": fingerprint(settings.FIELD_HASH_KEY)}
