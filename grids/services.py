"""The grid worker's patrol (每日巡查)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_time
from governance.models import AuditEntry
from grids.models import Patrol
from grids.permissions import can_end_patrol, can_patrol


@transaction.atomic
def patrol_start(*, actor, grid) -> Patrol:
    if not can_patrol(actor, grid):
        raise PermissionDenied(_("You can patrol only your own grid."))
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(grid=grid, worker=actor, started_at=timezone.now())
    except IntegrityError as exc:
        raise ValidationError(_("You already have a patrol under way.")) from exc
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=patrol, changes={"started_at": [None, audit_time(patrol.started_at)]})
    return patrol


@transaction.atomic
def patrol_end(*, actor, patrol: Patrol, notes: str) -> Patrol:
    if not can_end_patrol(actor, patrol):
        raise PermissionDenied(_("Only who started the patrol can end it."))
    now = timezone.now()
    if Patrol.objects.filter(pk=patrol.pk, ended_at__isnull=True).update(ended_at=now, notes=notes.strip()) != 1:
        raise ValidationError(_("This patrol has already ended."))
    patrol.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=patrol, changes={"ended_at": [None, audit_time(now)]})
    return patrol
