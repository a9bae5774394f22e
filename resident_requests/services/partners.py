"""Open311 partners: systems that post requests with a key of their own, shown once and stored only as a digest."""

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.models import AuditEntry
from governance.roles import Capability, Level
from governance.scope import scope_for
from resident_requests.models import Open311Partner

KEY_PREFIX = "o311_"


def can_manage_partners(actor) -> bool:
    """The district keeps the partner table, like the other tables it keeps for everyone; None is a command run by the operator."""
    return actor is None or actor.is_superuser or bool(scope_for(actor, Capability.MANAGE_HIERARCHY).node_ids.get(Level.DISTRICT))


def _new_key(partner: Open311Partner) -> str:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    partner.key_hash = Open311Partner.digest(key)
    partner.key_prefix = key[: len(KEY_PREFIX) + 4]
    partner.key_issued_at = timezone.now()
    return key


@transaction.atomic
def open311_partner_save(*, actor, partner: Open311Partner) -> str | None:
    """Create or update a partner; a new partner gets its key, returned once (None on updates)."""
    if not can_manage_partners(actor):
        raise PermissionDenied(_("Only the district organization department manages Open311 partners."))
    creating = partner._state.adding
    before = {} if creating else snapshot(Open311Partner.objects.select_for_update().get(pk=partner.pk))
    key = _new_key(partner) if creating else None
    partner.full_clean()
    partner.save()
    action = AuditEntry.Action.CREATE if creating else AuditEntry.Action.UPDATE
    audit_record(actor=actor, action=action, instance=partner, changes=diff(before, snapshot(partner)), ancestry={})
    return key


@transaction.atomic
def open311_partner_key_issue(*, actor, partner: Open311Partner) -> str:
    """A new key for the partner, returned once; the previous key stops working at once."""
    if not can_manage_partners(actor):
        raise PermissionDenied(_("Only the district organization department manages Open311 partners."))
    partner = Open311Partner.objects.select_for_update().get(pk=partner.pk)
    before = snapshot(partner)
    key = _new_key(partner)
    partner.save(update_fields=["key_hash", "key_prefix", "key_issued_at"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=partner, changes=diff(before, snapshot(partner)), ancestry={})
    return key
