"""The points passbook (积分存折): append-only entries, corrections as reversals, a balance that never goes below zero."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from volunteers.models import PointsEntry, PointsRule, Volunteer
from volunteers.selectors import points_balance
from volunteers.services.common import audit_created, require_manager


def points_for(kind: str, hours: Decimal = Decimal(0)) -> Decimal:
    """What a confirmed service of this kind earns under the district's rule."""
    rule = PointsRule.objects.get(kind=kind)
    return (hours * rule.points_per_hour + rule.points_per_service).quantize(Decimal("0.1"))


@transaction.atomic
def points_add(
    *, volunteer: Volunteer, kind: str, points: Decimal, note: str, hours: Decimal = Decimal(0), actor=None, signup=None, reverses=None
) -> PointsEntry:
    """Append an entry; the balance (sum of the entries) may never go below zero.

    The volunteer's row is locked first, so concurrent debits are checked one after the other. The calling service
    writes the audit row of the action that earned or spent the points.
    """
    Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if points < 0 and points_balance(volunteer) + points < 0:
        raise ValidationError(_("Not enough points: the balance cannot go below zero."))
    return PointsEntry.objects.create(
        volunteer=volunteer, kind=kind, points=points, hours=hours, note=note[:200], created_by=actor, signup=signup, reverses=reverses
    )


@transaction.atomic
def points_reverse(*, actor, entry: PointsEntry, note: str) -> PointsEntry:
    """A correction is a new entry of the opposite amount, never an edit or a deletion."""
    require_manager(actor, entry.volunteer.ancestry())
    # Under the volunteer's lock two corrections of one entry are checked one after the other: the passbook is
    # partitioned by month, so the database keeps `reverses` unique within a month only.
    Volunteer.objects.select_for_update().get(pk=entry.volunteer_id)
    if entry.kind == PointsEntry.Kind.REVERSAL or PointsEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry is a correction or was already corrected."))
    if len(note.strip()) < 2:
        raise ValidationError({"note": _("Say why the entry is corrected.")})
    reversal = points_add(
        volunteer=entry.volunteer, kind=PointsEntry.Kind.REVERSAL, points=-entry.points, hours=-entry.hours, note=note, actor=actor, reverses=entry
    )
    audit_created(actor=actor, instance=reversal, points=str(reversal.points), reverses=entry.pk, note=reversal.note)
    return reversal
