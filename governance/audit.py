"""Audit rows are written by services in the same transaction as the change they describe."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from governance.models import AuditEntry
from governance.personal_data import keyed_hash

SENSITIVE_MARK = "●"


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values, as JSON-friendly strings keyed by attribute name.

    Sensitive fields (PIPL) are reduced to a short keyed digest: the log shows that they changed, never to what.
    """
    values = {}
    sensitive = set(getattr(instance, "SENSITIVE_FIELDS", ()))
    for field in instance._meta.concrete_fields:
        # Ciphertexts and keyed hashes never enter the log; their masked companions do.
        if field.name in {"password", "last_login", "created_at", "updated_at", "granted_at"} or field.attname.endswith(("_enc", "_hash")):
            continue
        value = getattr(instance, field.attname)
        if field.name in sensitive:
            values[field.attname] = SENSITIVE_MARK + keyed_hash(str(value))[:8] if value else ""
            continue
        values[field.attname] = value if value is None or isinstance(value, bool | int) else str(value)
    return values


def diff(before: dict, after: dict) -> dict:
    return {key: [before.get(key), after.get(key)] for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def audit_record(*, actor, action: str, instance: models.Model, changes: dict, ancestry: dict | None = None) -> AuditEntry:
    ancestry = instance.ancestry() if ancestry is None and hasattr(instance, "ancestry") else ancestry or {}
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
        **{f"{level}_id": node_id for level, node_id in ancestry.items()},
    )
