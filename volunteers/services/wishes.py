"""Micro-wishes (微心愿): posted, reviewed, published with the name masked, claimed once, fulfilled, confirmed, reminded when stale."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.files import storage_failed, written_files_remove
from core.images import image_clean
from governance.models import Membership
from governance.roles import Role
from notifications.models import Notification
from notifications.services import notification_send
from volunteers.models import PointsEntry, ReviewStatus, Wish
from volunteers.services.common import audit_created, audit_status, require_manager
from volunteers.services.points import points_add, points_for

WISH_REMIND_AFTER_DAYS = 14


@transaction.atomic
def wish_post(*, community, resident_name: str, content: str, household=None, actor=None) -> Wish:
    """A resident (behind the card, no account: actor None) or a cadre on their behalf posts a wish; it waits for review."""
    if actor is not None:
        require_manager(actor, community.ancestry())
    content = (content or "").strip()
    if len(content) < 4:
        raise ValidationError({"content": _("Describe the wish in a few words (at least 4 characters).")})
    wish = Wish.objects.create(community=community, household=household, resident_name=(resident_name or "").strip()[:50], content=content[:1000])
    audit_created(actor=actor, instance=wish, content=wish.content[:60])
    return wish


def _wish_move(wish: Wish, *, actor, frm: str, to: str, **fields) -> Wish:
    # The conditional UPDATE is the lock: two volunteers claiming at once give one winner.
    if Wish.objects.filter(pk=wish.pk, status=frm).update(status=to, **fields) != 1:
        raise ValidationError(_("Someone else has just changed this wish; reload the page."))
    audit_status(actor=actor, instance=wish, before=frm, after=to)
    wish.refresh_from_db()
    return wish


@transaction.atomic
def wish_review(*, actor, wish: Wish, publish: bool, note: str = "") -> Wish:
    require_manager(actor, wish.ancestry())
    if publish:
        return _wish_move(wish, actor=actor, frm=Wish.Status.SUBMITTED, to=Wish.Status.PUBLISHED, published_at=timezone.now(), review_note=note[:200])
    return _wish_move(wish, actor=actor, frm=Wish.Status.SUBMITTED, to=Wish.Status.REFUSED, review_note=note[:200])


@transaction.atomic
def wish_claim(*, wish: Wish, volunteer=None, unit=None, actor=None) -> Wish:
    """One volunteer (or a resident unit, recorded by a cadre) claims a published wish of their community."""
    if volunteer is not None:
        if volunteer.status != ReviewStatus.CONFIRMED or volunteer.community_id != wish.community_id:
            raise PermissionDenied(_("Only confirmed volunteers of this community can claim its wishes."))
        actor = volunteer.user
    elif unit is not None:
        require_manager(actor, wish.ancestry())
    return _wish_move(wish, actor=actor, frm=Wish.Status.PUBLISHED, to=Wish.Status.CLAIMED, claimed_by=volunteer, claimed_unit=unit, claimed_at=timezone.now())


@transaction.atomic
def wish_fulfil(*, wish: Wish, note: str, volunteer=None, actor=None, photo=None) -> Wish:
    if volunteer is not None and wish.claimed_by_id != volunteer.pk:
        raise PermissionDenied(_("Only who claimed the wish can report it fulfilled."))
    if volunteer is None:
        require_manager(actor, wish.ancestry())
    if len((note or "").strip()) < 2:
        raise ValidationError({"note": _("Say how the wish was fulfilled.")})
    fields = {"fulfilment_note": note.strip(), "fulfilled_at": timezone.now()}
    wish = _wish_move(wish, actor=actor if volunteer is None else volunteer.user, frm=Wish.Status.CLAIMED, to=Wish.Status.FULFILLED, **fields)
    if photo:
        cleaned = image_clean(photo, name_prefix=f"wish-{wish.pk}")
        try:
            wish.photo.save(cleaned.name, cleaned, save=False)
        except OSError as exc:
            written_files_remove(wish.photo)
            raise ValidationError({"photo": storage_failed().messages}) from exc
        Wish.objects.filter(pk=wish.pk).update(photo=wish.photo.name)
    return wish


@transaction.atomic
def wish_confirm(*, wish: Wish, actor=None) -> Wish:
    """Confirmed by the resident (with the wish's code: actor None) or a cadre; the volunteer earns the wish's points once."""
    if actor is not None:
        require_manager(actor, wish.ancestry())
    wish = _wish_move(wish, actor=actor, frm=Wish.Status.FULFILLED, to=Wish.Status.CONFIRMED, confirmed_at=timezone.now())
    if wish.claimed_by_id:
        points_add(volunteer=wish.claimed_by, kind=PointsEntry.Kind.WISH, points=points_for(PointsEntry.Kind.WISH), note=wish.content[:60], actor=actor)
    return wish


def wishes_remind_unclaimed(*, now=None, batch_size: int = 200) -> int:
    """Daily: wishes published 14 days ago and still unclaimed remind the community's cadres, once each."""
    now = now or timezone.now()
    stale = list(
        Wish.objects.filter(
            status=Wish.Status.PUBLISHED, published_at__lte=now - dt.timedelta(days=WISH_REMIND_AFTER_DAYS), reminded_at__isnull=True
        ).values_list("pk", "community_id")[:batch_size]
    )
    reminded = 0
    for pk, community_id in stale:
        with transaction.atomic():
            # Claim the reminder: a second run, or a concurrent one, finds reminded_at set.
            if Wish.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now) != 1:
                continue
            cadres = Membership.objects.filter(community_id=community_id, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]).select_related("user")
            title, url = _("A micro-wish is still unclaimed after 14 days"), reverse("volunteer-wishes")
            notification_send(notifications=[Notification(user=m.user, key=f"wish-unclaimed:{pk}", title=title, url=url) for m in cadres])
            reminded += 1
    return reminded
