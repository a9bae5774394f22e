"""Alliance merchants' gifts: listed by the community, redeemed for points, handed over."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers.models import Gift, PointsEntry, Redemption, ReviewStatus, Volunteer
from volunteers.services.common import audit_created, audit_status, require_manager
from volunteers.services.points import points_add


@transaction.atomic
def gift_list(*, actor, merchant, name: str, points: int, stock: int) -> Gift:
    """The community lists a merchant's gift (the merchant has no account of its own)."""
    require_manager(actor, merchant.ancestry())
    if points < 1 or stock < 0:
        raise ValidationError(_("A gift costs at least one point and its stock cannot be negative."))
    gift = Gift.objects.create(merchant=merchant, name=name.strip()[:100], points=points, stock=stock)
    audit_created(actor=actor, instance=gift, name=gift.name, points=points, stock=stock)
    return gift


@transaction.atomic
def gift_redeem(*, volunteer: Volunteer, gift: Gift) -> Redemption:
    """Take one from stock and debit the points, together: a conditional UPDATE keeps stock >= 0 when
    many redeem the last one at once, and the passbook refuses a negative balance (both roll back)."""
    if volunteer.status != ReviewStatus.CONFIRMED or gift.merchant.community_id != volunteer.community_id:
        raise PermissionDenied(_("Gifts are for confirmed volunteers of the merchant's community."))
    if Gift.objects.filter(pk=gift.pk, active=True, stock__gt=0).update(stock=F("stock") - 1) != 1:
        raise ValidationError(_("This gift is out of stock."))
    entry = points_add(volunteer=volunteer, kind=PointsEntry.Kind.REDEEM, points=-Decimal(gift.points), note=f"{gift.merchant.name} · {gift.name}")
    redemption = Redemption.objects.create(gift=gift, volunteer=volunteer, entry=entry)
    audit_created(actor=volunteer.user, instance=redemption, gift=gift.pk, points=str(entry.points))
    return redemption


@transaction.atomic
def redemption_hand_over(*, actor, redemption: Redemption) -> Redemption:
    """The merchant hands the gift over; a cadre records it on the merchant's behalf."""
    require_manager(actor, redemption.gift.ancestry())
    if (
        Redemption.objects.filter(pk=redemption.pk, status=Redemption.Status.WAITING).update(
            status=Redemption.Status.HANDED_OVER, handed_over_at=timezone.now(), confirmed_by=actor
        )
        != 1
    ):
        raise ValidationError(_("This gift was already handed over."))
    audit_status(actor=actor, instance=redemption, before=Redemption.Status.WAITING, after=Redemption.Status.HANDED_OVER)
    redemption.refresh_from_db()
    return redemption
