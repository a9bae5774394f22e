"""Reads of the volunteer module, scoped: out of scope answers 404 like missing; a volunteer never sees a resident's identity."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone

from core.dates import day_start, days_window, year_start
from governance.models import Community, ResidentUnit
from governance.roles import Capability, Role
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Grid
from households.models import Household
from volunteers.models import (
    Activity,
    DualReport,
    Gift,
    PointsEntry,
    PostClaim,
    Redemption,
    ReportingUnit,
    ReviewStatus,
    ServicePost,
    Signup,
    Volunteer,
    Wish,
)

LINKS_PER_MEMBER = 10


def communities_managed_by(user):
    """The communities in which the user may manage volunteers: a community cadre's own, every community of a street cadre's street."""
    return Community.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).order_by("street_id", "name")


def resident_units_for(user):
    return ResidentUnit.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).order_by("name")


def resident_unit_get_for(user, pk):
    return get_in_scope_or_404(resident_units_for(user), pk=pk)


def profile_of(user) -> Volunteer | None:
    return Volunteer.objects.filter(user=user).select_related("community", "grid").first() if user.is_authenticated else None


def community_to_register_with(user) -> Community | None:
    """Where a person holding the volunteer role registers: the community of that role."""
    membership = user.memberships.filter(role=Role.VOLUNTEER).select_related("community").first()
    return membership.community if membership is not None else None


def _confirmed_profile(user) -> Volunteer | None:
    profile = profile_of(user)
    return profile if profile is not None and profile.status == ReviewStatus.CONFIRMED else None


def _area_or_own_community(user, model, community_path: str, **offered):
    """A cadre's area, else what a confirmed volunteer's own community offers (`offered` narrows it), else nothing."""
    managed = scope_for(user, Capability.MANAGE_VOLUNTEERS)
    if not managed.is_empty:
        return model.objects.filter(managed.q(model))
    profile = _confirmed_profile(user)
    if profile is not None:
        return model.objects.filter(**{community_path: profile.community_id}, **offered)
    return model.objects.none()


def activity_list_for(user):
    """Cadres see their area's activities; a confirmed volunteer those of their own community."""
    qs = _area_or_own_community(user, Activity, "community_id")
    return qs.select_related("community", "organiser_unit").annotate(taken=Count("signups", filter=~Q(signups__status=Signup.Status.CANCELLED)))


def activity_get_for(user, pk: int):
    return get_in_scope_or_404(activity_list_for(user), pk=pk)


def activities_open_for(user):
    return activity_list_for(user).filter(signup_closes_at__gte=timezone.now(), status=Activity.Status.PUBLISHED).order_by("starts_at")


def signups_upcoming_of(volunteer: Volunteer):
    qs = volunteer.signups.filter(activity__ends_at__gte=timezone.now()).exclude(status=Signup.Status.CANCELLED)
    return qs.select_related("activity").order_by("activity__starts_at")


def signup_of(volunteer: Volunteer | None, activity: Activity) -> Signup | None:
    return activity.signups.filter(volunteer=volunteer).first() if volunteer is not None else None


def signups_of_activity(activity: Activity):
    return activity.signups.select_related("volunteer").order_by("created_at")


def signup_get_for(user, pk: int) -> Signup:
    """A sign-up of an activity the user sees (the services check who may mark or confirm it)."""
    return get_in_scope_or_404(Signup.objects.filter(activity__in=activity_list_for(user)).select_related("activity__community", "volunteer"), pk=pk)


def wish_list_for(user):
    """Cadres see their area's wishes; a confirmed volunteer the published ones of their community and their own claims."""
    managed = scope_for(user, Capability.MANAGE_VOLUNTEERS)
    if not managed.is_empty:
        return Wish.objects.filter(managed.q(Wish))
    profile = _confirmed_profile(user)
    if profile is not None:
        return Wish.objects.filter(community_id=profile.community_id).filter(Q(status=Wish.Status.PUBLISHED) | Q(claimed_by=profile))
    return Wish.objects.none()


def wish_get_for(user, pk: int):
    return get_in_scope_or_404(wish_list_for(user).select_related("community"), pk=pk)


def wish_by_code(code: str, *fields: str) -> Wish:
    """The resident's own wish, by the code only they hold."""
    qs = Wish.objects.filter(code=code.upper())
    return get_in_scope_or_404(qs.only(*fields) if fields else qs.select_related("community"))


def volunteer_list_for(user):
    return Volunteer.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).select_related("community", "grid", "work_unit").annotate(link_count=Count("links"))


def volunteer_get_for(user, pk: int):
    return get_in_scope_or_404(volunteer_list_for(user), pk=pk)


def grids_of(volunteer: Volunteer):
    """The grid party organisations the community may place the volunteer in."""
    return Grid.objects.filter(community_id=volunteer.community_id).order_by("sequence")


def links_of(volunteer: Volunteer):
    """Linked households by address: a volunteer sees no names and no phones."""
    return volunteer.links.select_related("household__building").order_by("household__building_id", "household__unit", "household__room")


def households_linkable(volunteer: Volunteer):
    """Households the volunteer may be linked to: their own grid's."""
    return Household.objects.filter(grid_id=volunteer.grid_id) if volunteer.grid_id else Household.objects.none()


def links_propose(volunteer: Volunteer, *, count: int = LINKS_PER_MEMBER):
    """Households of the member's grid with no member yet, the member's own building first."""
    if volunteer.grid_id is None:
        return Household.objects.none()
    free = Household.objects.filter(grid_id=volunteer.grid_id, status=Household.Status.ACTIVE, volunteer_links__isnull=True).select_related("building")
    own_building = volunteer.household.building_id if volunteer.household_id else None
    ordered = sorted(
        free.only("id", "building_id", "unit", "floor", "room", "building__name")[:500],
        key=lambda h: (h.building_id != own_building, h.building_id, h.unit, h.floor, h.room),
    )
    return ordered[:count]


def points_balance(volunteer: Volunteer) -> Decimal:
    return PointsEntry.objects.filter(volunteer=volunteer).aggregate(total=Sum("points"))["total"] or Decimal(0)


def points_entries_of(volunteer: Volunteer):
    return volunteer.points_entries.select_related("reversed_by")


def points_entry_get_for(user, pk: int) -> PointsEntry:
    return get_in_scope_or_404(PointsEntry.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).select_related("volunteer__community"), pk=pk)


def volunteer_summary(volunteer: Volunteer) -> dict:
    """Hours this year and the points balance, in one aggregate query."""
    since_new_year = day_start(year_start(timezone.localdate()))
    totals = PointsEntry.objects.filter(volunteer=volunteer).aggregate(balance=Sum("points"), hours=Sum("hours", filter=Q(created_at__gte=since_new_year)))
    return {"balance": totals["balance"] or 0, "hours": totals["hours"] or 0}


def service_notes_of(volunteer: Volunteer, year: int):
    """What the volunteer served in a year, for the certificate: the notes of the entries with hours."""
    return volunteer.points_entries.filter(created_at__year=year, hours__gt=0).values_list("note", flat=True).distinct()[:20]


def member_figures(volunteer: Volunteer, *, start: dt.date, end: dt.date) -> dict:
    """What a member did in a period, each figure one aggregate over the records."""
    since, until = days_window(start, end)
    points = PointsEntry.objects.filter(volunteer=volunteer, created_at__gte=since, created_at__lt=until).aggregate(
        hours=Sum("hours"), points=Sum("points", filter=Q(points__gt=0)), activities=Count("pk", filter=Q(kind=PointsEntry.Kind.ACTIVITY))
    )
    return {
        "hours": str(points["hours"] or 0),
        "points": str(points["points"] or 0),
        "activities": points["activities"],
        "posts": PostClaim.objects.filter(volunteer=volunteer, status=PostClaim.Status.CONFIRMED).count(),
        "wishes": Wish.objects.filter(claimed_by=volunteer, status=Wish.Status.CONFIRMED, confirmed_at__gte=since, confirmed_at__lt=until).count(),
        "households": volunteer.links.count(),
    }


def gift_list_for(user):
    """Cadres see their area's gifts; a confirmed volunteer those offered in their community; anyone else none."""
    return _area_or_own_community(user, Gift, "merchant__community_id", active=True).select_related("merchant")


def gift_get_for_redemption(user, pk: int) -> Gift:
    """A gift the user, as a volunteer, may redeem: offered in their own community."""
    profile = profile_of(user)
    return get_in_scope_or_404(Gift.objects.filter(merchant__community_id=getattr(profile, "community_id", None)).select_related("merchant"), pk=pk)


def redemptions_waiting_for(user):
    """Gifts to hand over in a cadre's area, or the volunteer's own redemptions."""
    managed = scope_for(user, Capability.MANAGE_VOLUNTEERS)
    if not managed.is_empty:
        return Redemption.objects.filter(gift__in=Gift.objects.filter(managed.q(Gift)), status=Redemption.Status.WAITING).select_related(
            "gift__merchant", "volunteer"
        )
    profile = profile_of(user)
    return profile.redemptions.select_related("gift__merchant") if profile is not None else Redemption.objects.none()


def redemption_get_for(user, pk: int) -> Redemption:
    return get_in_scope_or_404(
        Redemption.objects.filter(gift__in=Gift.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS)).select_related("gift__merchant"), pk=pk
    )


def post_list_for(user):
    """Cadres see their area's posts; a confirmed volunteer the open posts of their community; both with the claims not released."""
    qs = _area_or_own_community(user, ServicePost, "community_id", active=True)
    claims = Prefetch("claims", queryset=PostClaim.objects.exclude(status=PostClaim.Status.RELEASED).select_related("volunteer"))
    return qs.prefetch_related(claims)


def post_get_for_claim(user, pk: int) -> ServicePost:
    """A post of the volunteer's own community (the service checks that they are confirmed)."""
    profile = profile_of(user)
    return get_in_scope_or_404(ServicePost.objects.filter(community_id=getattr(profile, "community_id", None)), pk=pk)


def claim_get_for(user, pk: int) -> PostClaim:
    """A claim in a cadre's area, or the volunteer's own."""
    profile = profile_of(user)
    visible = Q(post__in=ServicePost.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS))
    if profile is not None:
        visible |= Q(volunteer=profile)
    return get_in_scope_or_404(PostClaim.objects.filter(visible).select_related("post__community", "volunteer"), pk=pk)


def unit_list_for(user):
    return ReportingUnit.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).select_related("community")


def unit_get_for(user, pk) -> ReportingUnit:
    return get_in_scope_or_404(unit_list_for(user), pk=pk)


def report_list_for(user):
    return DualReport.objects.visible_to(user, Capability.MANAGE_VOLUNTEERS).select_related("volunteer", "unit", "community")


def report_get_for(user, pk: int) -> DualReport:
    return get_in_scope_or_404(report_list_for(user), pk=pk)
