"""Service posts (认领岗位): published by the community, claimed by members, confirmed, released, duty recorded as points."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from volunteers.models import PointsEntry, PostClaim, ReviewStatus, ServicePost, Volunteer
from volunteers.services.common import audit_created, audit_status, require_manager
from volunteers.services.points import points_add, points_for


@transaction.atomic
def post_publish(*, actor, community, title: str, places: int, description: str = "") -> ServicePost:
    require_manager(actor, community.ancestry())
    if places < 1:
        raise ValidationError({"places": _("At least one place.")})
    post = ServicePost.objects.create(community=community, title=title.strip()[:100], places=places, description=description)
    audit_created(actor=actor, instance=post, title=post.title, places=places)
    return post


@transaction.atomic
def post_claim(*, volunteer: Volunteer, post: ServicePost) -> PostClaim:
    """A member claims a place; the post's row is locked so that places are never over-claimed."""
    if volunteer.status != ReviewStatus.CONFIRMED or volunteer.community_id != post.community_id:
        raise PermissionDenied(_("Only confirmed volunteers of this community can claim its posts."))
    ServicePost.objects.select_for_update().get(pk=post.pk)
    if not post.active or post.claims.exclude(status=PostClaim.Status.RELEASED).count() >= post.places:
        raise ValidationError(_("This post has no free place."))
    if post.claims.filter(volunteer=volunteer).exclude(status=PostClaim.Status.RELEASED).exists():
        raise ValidationError(_("You already hold or claimed this post."))
    claim = PostClaim.objects.create(post=post, volunteer=volunteer)
    audit_created(actor=volunteer.user, instance=claim, status=claim.status)
    return claim


@transaction.atomic
def post_claim_confirm(*, actor, claim: PostClaim) -> PostClaim:
    require_manager(actor, claim.post.ancestry())
    if PostClaim.objects.filter(pk=claim.pk, status=PostClaim.Status.CLAIMED).update(status=PostClaim.Status.CONFIRMED) != 1:
        raise ValidationError(_("This claim was already handled."))
    audit_status(actor=actor, instance=claim, before=PostClaim.Status.CLAIMED, after=PostClaim.Status.CONFIRMED)
    claim.refresh_from_db()
    return claim


@transaction.atomic
def post_claim_release(*, claim: PostClaim, volunteer=None, actor=None) -> None:
    """The holder releases their own place, or a cadre releases it."""
    if volunteer is not None and claim.volunteer_id != volunteer.pk:
        raise PermissionDenied
    if volunteer is None:
        require_manager(actor, claim.post.ancestry())
    before = claim.status
    if PostClaim.objects.filter(pk=claim.pk).exclude(status=PostClaim.Status.RELEASED).update(status=PostClaim.Status.RELEASED) != 1:
        raise ValidationError(_("This post was already released."))
    audit_status(actor=actor if volunteer is None else volunteer.user, instance=claim, before=before, after=PostClaim.Status.RELEASED)


@transaction.atomic
def post_duty_record(*, actor, claim: PostClaim, hours: Decimal, note: str = "") -> PointsEntry:
    """The community records hours of duty on a held post; they earn points at the post rule's rate."""
    require_manager(actor, claim.post.ancestry())
    if claim.status != PostClaim.Status.CONFIRMED:
        raise ValidationError(_("Record duty only for a confirmed post holder."))
    if not Decimal(0) < hours <= Decimal(24):
        raise ValidationError({"hours": _("Between 0 and 24 hours.")})
    entry = points_add(
        volunteer=claim.volunteer,
        kind=PointsEntry.Kind.POST,
        points=points_for(PointsEntry.Kind.POST, hours),
        hours=hours,
        note=f"{claim.post.title} {note}".strip(),
        actor=actor,
    )
    audit_created(actor=actor, instance=entry, hours=str(hours), points=str(entry.points), post=claim.post_id)
    return entry
