"""Reads of the workers' files in the caller's area (outside answers 404), shared by the pages, the API, the admin and the dashboard."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import GradeStep, GrowthEntry, MentorPair, PoolEntry, PoolRule, Promotion, Review, RoutineMeeting, WorkerProfile
from cadres.permissions import acting_level
from governance.models import Community, District, User
from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404
from grids.models import Grid

CAP = Capability.MANAGE_CADRES


def profile_list_for(user, *, community=None, post=None, grade=None, q=""):
    """The team of the caller's area, filtered; one query whatever the page size."""
    profiles = WorkerProfile.objects.visible_to(user, CAP).select_related("user", "community", "grid")
    if community:
        profiles = profiles.filter(community=community)
    if post:
        profiles = profiles.filter(post=post)
    if grade:
        profiles = profiles.filter(grade=grade)
    if q:
        profiles = profiles.filter(user__full_name__icontains=q)
    return profiles


def profile_get_for(user, pk):
    return get_in_scope_or_404(profile_list_for(user).select_related("community__street"), pk=pk)


def score_list_of(profile):
    return profile.scores.all()


def community_list_for(user):
    return Community.objects.visible_to(user, CAP).order_by("code")


def grid_list_for(user):
    return Grid.objects.visible_to(user, CAP).select_related("community").order_by("code")


def unfiled_user_list_for(user):
    """Staff of the caller's communities and grids without a file yet: whom a new file may be opened for."""
    communities = community_list_for(user)
    return (
        User.objects.filter(Q(memberships__community__in=communities) | Q(memberships__grid__community__in=communities), worker_profile__isnull=True)
        .exclude(memberships__role__in=["volunteer", "building_head", "unit_head"])
        .distinct()
        .order_by("full_name", "username")
    )


def ladder_district_list_for(user):
    return District.objects.visible_to(user, CAP).order_by("code")


def grade_step_list_for(user):
    """The ladders of the caller's districts: everyone keeping files reads them, the district edits."""
    return GradeStep.objects.filter(district__in=_districts_of(user)).select_related("district")


def _districts_of(user):
    return Community.objects.visible_to(user, CAP).values("district_id")


def promotion_list_for(user, *, status=None):
    promotions = Promotion.objects.visible_to(user, CAP).select_related("profile__user", "profile__community", "proposed_by")
    return promotions.filter(status=status) if status else promotions


def promotion_get_for(user, pk):
    return get_in_scope_or_404(promotion_list_for(user).prefetch_related("events__actor"), pk=pk)


def waiting_status_for(user, ancestry: dict) -> str | None:
    """The status that waits on the caller's level: the street's queue holds proposals, the district's checked ones."""
    return {Level.STREET: Review.PROPOSED, Level.DISTRICT: Review.CHECKED}.get(acting_level(user, ancestry))


def pool_rule_list_for(user, *, pool=None):
    rules = PoolRule.objects.filter(district__in=_districts_of(user))
    return rules.filter(pool=pool) if pool else rules


def pool_entry_list_for(user, *, pool=None, status=None):
    entries = PoolEntry.objects.visible_to(user, CAP).select_related("profile__user", "profile__community").prefetch_related("checks")
    if pool:
        entries = entries.filter(pool=pool)
    return entries.filter(status=status) if status else entries


def pool_entry_get_for(user, pk):
    return get_in_scope_or_404(pool_entry_list_for(user).prefetch_related("events__actor"), pk=pk)


def filed_profile_list_for(user, pools):
    """Workers filed (approved) in one of `pools`, in the caller's area: mentors or trainees to pair."""
    return profile_list_for(user).filter(pool_entries__pool__in=pools, pool_entries__status=Review.APPROVED).distinct()


def pair_list_for(user, *, status=None):
    pairs = MentorPair.objects.visible_to(user, CAP).select_related("mentor__user", "trainee__user", "community")
    return pairs.filter(status=status) if status else pairs


def pair_get_for(user, pk):
    return get_in_scope_or_404(pair_list_for(user).prefetch_related("measures", "growth__recorded_by"), pk=pk)


def meeting_list_for(user):
    return RoutineMeeting.objects.visible_to(user, CAP).select_related("community")


def meeting_get_for(user, pk):
    return get_in_scope_or_404(meeting_list_for(user), pk=pk)


def mentoring_figures(node, *, today: dt.date | None = None) -> list[dict]:
    """The dashboard's mentoring block for a city, district, street or community: each row a label, a numerator and a named denominator."""
    today = today or timezone.localdate()
    where = {
        Level.CITY: "community__district__city",
        Level.DISTRICT: "community__district",
        Level.STREET: "community__street",
        Level.COMMUNITY: "community",
    }.get(node.LEVEL)
    if where is None:
        return []
    pairs = MentorPair.objects.filter(**{where: node.pk}).aggregate(all=Count("pk"), active=Count("pk", filter=Q(status=MentorPair.Status.ACTIVE)))
    week = GrowthEntry.objects.filter(**{f"pair__{where}": node.pk}, pair__status=MentorPair.Status.ACTIVE).aggregate(
        days=Count("pk", filter=Q(kind=GrowthEntry.Kind.DAILY, on__gt=today - dt.timedelta(days=7))),
        tasks=Count("pk", filter=Q(kind=GrowthEntry.Kind.HARD_TASK)),
        solved=Count("pk", filter=Q(kind=GrowthEntry.Kind.HARD_TASK, solved=True)),
    )
    meetings = RoutineMeeting.objects.filter(**{where: node.pk}, scheduled_on__lt=today).aggregate(
        due=Count("pk"), held=Count("pk", filter=Q(held_on__isnull=False))
    )
    return [
        {"label": _("Pairs active"), "numerator": pairs["active"], "denominator": pairs["all"], "denominator_label": _("pairs formed")},
        {"label": _("Days shadowed in the last 7 days"), "numerator": week["days"], "denominator": pairs["active"], "denominator_label": _("active pairs")},
        {"label": _("Problems solved"), "numerator": week["solved"], "denominator": week["tasks"], "denominator_label": _("hard tasks taken on")},
        {"label": _("Mentoring meetings held"), "numerator": meetings["held"], "denominator": meetings["due"], "denominator_label": _("meetings due")},
    ]
