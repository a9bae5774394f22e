"""Reads of the volunteer module: a volunteer sees what their community published, never a resident's identity."""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for
from volunteers.models import Activity, LedgerEntry, ReviewStatus, Signup, Volunteer, Wish


def profile_of(user) -> Volunteer | None:
    return Volunteer.objects.filter(user=user).select_related("community", "grid").first() if user.is_authenticated else None


def activity_list_for(user):
    """Cadres see their area's activities; a confirmed volunteer those of their own community."""
    profile = profile_of(user)
    managed = scope_for(user, Capability.MANAGE_VOLUNTEERS)
    qs = Activity.objects.select_related("community", "organiser_unit").annotate(taken=Count("signups", filter=~Q(signups__status=Signup.Status.CANCELLED)))
    if not managed.is_empty:
        return qs.filter(managed.q(Activity))
    if profile is not None and profile.status == ReviewStatus.CONFIRMED:
        return qs.filter(community_id=profile.community_id)
    return qs.none()


def activity_get_for(user, pk: int):
    return get_in_scope_or_404(activity_list_for(user), pk=pk)


def wish_list_for(user):
    """Cadres see their area's wishes; a confirmed volunteer the published ones of their community and their own claims."""
    managed = scope_for(user, Capability.MANAGE_VOLUNTEERS)
    if not managed.is_empty:
        return Wish.objects.filter(managed.q(Wish))
    profile = profile_of(user)
    if profile is not None and profile.status == ReviewStatus.CONFIRMED:
        return Wish.objects.filter(community_id=profile.community_id).filter(Q(status=Wish.Status.PUBLISHED) | Q(claimed_by=profile))
    return Wish.objects.none()


def wish_get_for(user, pk: int):
    return get_in_scope_or_404(wish_list_for(user), pk=pk)


def volunteer_list_for(user):
    return Volunteer.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).select_related("community", "grid", "work_unit").annotate(link_count=Count("links"))


def volunteer_get_for(user, pk: int):
    return get_in_scope_or_404(volunteer_list_for(user), pk=pk)


def volunteer_summary(volunteer: Volunteer) -> dict:
    """Hours this year and the points balance, in one aggregate query."""
    year_start = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    totals = LedgerEntry.objects.filter(volunteer=volunteer).aggregate(balance=Sum("points"), hours=Sum("hours", filter=Q(created_at__gte=year_start)))
    return {"balance": totals["balance"] or 0, "hours": totals["hours"] or 0}
