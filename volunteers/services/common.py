"""What every volunteer service shares: the manager check and the audit row of a person's action."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import AuditEntry
from volunteers.permissions import can_manage_volunteers


def require_manager(actor, ancestry: dict) -> None:
    if not can_manage_volunteers(actor, ancestry):
        raise PermissionDenied(_("Only the community's cadres can do this."))


def audit_status(*, actor, instance, before: str, after: str, **changes) -> None:
    """One audit row for a status change (and the fields that moved with it), in the caller's transaction."""
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=instance, changes={"status": [before, after], **changes})


def audit_created(*, actor, instance, **fields) -> None:
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=instance, changes={name: [None, value] for name, value in fields.items()})
