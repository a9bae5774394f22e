"""Creations sent again with the same Idempotency-Key (API and Open311; page forms have governance.idempotency).

The same caller, key and payload answer what the first call created; another payload under the key is refused (409),
and never answered with the first creation: two callers who pick the same key never see each other's.
"""

import hashlib
import hmac
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.personal_data import keyed_hash

KEY_RE = re.compile(r"[\x21-\x7e]{1,100}")
REUSED = gettext_lazy("This Idempotency-Key was already used for a different submission. Send a new key with a new request.")


class IdempotencyRecord(models.Model):
    """What was created under a caller's key: each kind of creation has its own table, with a foreign key to it."""

    key = models.CharField(gettext_lazy("key"), max_length=100)
    caller = models.CharField(gettext_lazy("caller"), max_length=100)
    payload_hash = models.CharField(gettext_lazy("payload hash"), max_length=64, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.key


class IdempotencyConflict(ValidationError):
    """An Idempotency-Key reused with another payload: answered 409, and never with the first creation."""


def payload_hash(*values, files=()) -> str:
    """A keyed digest of what was submitted, files included: it holds phone numbers, so a plain hash would reveal them."""
    digest = hashlib.sha256(repr(values).encode())
    for upload in files:
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return keyed_hash(digest.hexdigest())


def idempotent_replay(keys, *, caller: str, key: str, payload: str, created: str):
    """What `caller` first created under `key` (None when the key is new), read from `keys` (rows of caller, key,
    payload_hash and the foreign key `created`); another payload raises IdempotencyConflict."""
    if not KEY_RE.fullmatch(key):
        raise ValidationError({"idempotency_key": _("An Idempotency-Key is 1 to 100 visible ASCII characters.")})
    existing = keys.filter(caller=caller, key=key).select_related(created).first()
    if existing is None:
        return None
    if not hmac.compare_digest(existing.payload_hash, payload):
        raise IdempotencyConflict(REUSED)
    return getattr(existing, created)


def idempotent_record(keys, *, caller: str, key: str, payload: str, **created) -> None:
    """Remember the creation under the key, in the creation's transaction."""
    try:
        with transaction.atomic():
            keys.create(caller=caller, key=key, payload_hash=payload, **created)
    except IntegrityError as exc:
        # A concurrent call with the same key committed first; this one is rolled back.
        raise IdempotencyConflict(REUSED) from exc
