"""Audit rows are written by services in the same transaction as the change they describe."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from governance.models import SENSITIVE_MARK, AuditEntry, audit_changed_only


@dataclass(frozen=True)
class ChangedOnly:
    """A value that snapshots compare but the log never stores: `diff` writes SENSITIVE_MARK in its place."""

    value: object


def audit_time(value: dt.datetime) -> str:
    """A moment as the log shows it, in the office's time: a patrol ended at 21:04 must not read 13:04."""
    return timezone.localtime(value).isoformat(sep=" ", timespec="seconds")


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values, as JSON-friendly strings keyed by attribute name.

    Fields in governance.models.audit_changed_only (PIPL sensitive data, birth dates) are compared but logged as a
    constant mark: a digest of the value would still let readers group residents by it.
    """
    values = {}
    hidden = audit_changed_only(type(instance))
    for field in instance._meta.concrete_fields:
        # Ciphertexts and keyed hashes never enter the log.
        if field.name in {"password", "last_login", "created_at", "updated_at", "granted_at"} or field.attname.endswith(("_enc", "_hash")):
            continue
        value = getattr(instance, field.attname)
        if field.name in hidden:
            values[field.attname] = ChangedOnly(value)
            continue
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = audit_time(value)
        values[field.attname] = value if value is None or isinstance(value, bool | int) else str(value)
    return values


def _logged(value):
    return SENSITIVE_MARK if isinstance(value, ChangedOnly) else value


def diff(before: dict, after: dict) -> dict:
    return {key: [_logged(before.get(key)), _logged(after.get(key))] for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def audit_record(*, actor, action: str, instance: models.Model, changes: dict, ancestry: dict | None = None) -> AuditEntry:
    ancestry = instance.ancestry() if ancestry is None and hasattr(instance, "ancestry") else ancestry or {}
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        **AuditEntry.placed(ancestry),
    )
