"""Reads of the three lists and linkage in the caller's area, shared by the pages, their forms and the API."""

from governance.models import Community, ResidentUnit
from governance.roles import Capability
from governance.scope import get_in_scope_or_404
from party_building.models import DemandItem, LinkageDuty, LinkageRecord, Project, ResourceItem
from party_building.permissions import can_see_all_linkage


def resource_list_for(user):
    return ResourceItem.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("unit")


def demand_list_for(user):
    return DemandItem.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("community__street", "project")


def project_list_for(user):
    return Project.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("demand", "resource__unit")


def project_get_for(user, pk):
    return get_in_scope_or_404(project_list_for(user), pk=pk)


def list_unit_list_for(user):
    """Resident units whose resources the user may list."""
    return ResidentUnit.objects.visible_to(user, Capability.MANAGE_LISTS).order_by("name")


def list_community_list_for(user):
    """Communities whose demands the user may list."""
    return Community.objects.visible_to(user, Capability.MANAGE_LISTS).order_by("name")


def own_duty_list_for(user):
    """The user's own linkage duties."""
    return LinkageDuty.objects.filter(user=user).select_related("community", "user").order_by("community__code", "kind", "id")


def duty_list_for(user):
    """Every duty of the user's area for those who see all linkage, otherwise their own."""
    if can_see_all_linkage(user):
        return LinkageDuty.objects.visible_to(user, Capability.VIEW_HIERARCHY).select_related("community", "user").order_by("community__code", "kind", "id")
    return own_duty_list_for(user)


def linkage_community_list_for(user):
    """The communities whose linkage the user follows: their area's for those who see all linkage, else those of their duties."""
    if can_see_all_linkage(user):
        return Community.objects.visible_to(user, Capability.VIEW_HIERARCHY).order_by("code")
    return Community.objects.filter(linkage_duties__user=user).distinct().order_by("code")


def record_list_for(user):
    """Visits, contacts and joint meetings of the communities the user follows, newest first."""
    return LinkageRecord.objects.filter(community__in=linkage_community_list_for(user)).select_related("community", "duty__user").prefetch_related("units")


def record_for_request_get_for(user, pk):
    """A record whose problems the user may turn into requests (they handle requests there); else 404."""
    return get_in_scope_or_404(LinkageRecord.objects.visible_to(user, Capability.HANDLE_REQUESTS).select_related("community"), pk=pk)


def meeting_community_list_for(user):
    return Community.objects.visible_to(user, Capability.MANAGE_LINKAGE).order_by("code")


def meeting_unit_list_for(user):
    return ResidentUnit.objects.visible_to(user, Capability.MANAGE_LINKAGE).order_by("name")
