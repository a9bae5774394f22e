"""The three lists page (三张清单) for a community's or street's cadres."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from governance.models import Community, ResidentUnit
from governance.permissions import has_capability
from governance.roles import Capability
from party_building import lists
from party_building.models import DemandItem, ListCategory, Project, ResourceItem

LIMIT = 200


def three_lists(request):
    user = request.user
    if not has_capability(user, Capability.MANAGE_LISTS):
        raise PermissionDenied
    if request.method == "POST":
        try:
            _act(request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("three-lists")
    demands = list(DemandItem.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("community__street", "project")[:LIMIT])
    suggestions = lists.match_suggestions(demands)
    context = {
        "resources": ResourceItem.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("unit")[:LIMIT],
        "demands": [(demand, suggestions.get(demand.pk, [])) for demand in demands],
        "projects": Project.objects.visible_to(user, Capability.MANAGE_LISTS).select_related("demand", "resource__unit")[:LIMIT],
        "units": ResidentUnit.objects.visible_to(user, Capability.MANAGE_LISTS).order_by("name")[:LIMIT],
        "communities": Community.objects.visible_to(user, Capability.MANAGE_LISTS).order_by("name")[:LIMIT],
        "categories": ListCategory.choices,
        "statuses": Project.Status.choices,
    }
    return render(request, "party_building/three_lists.html", context)


def _act(request) -> None:
    user, post = request.user, request.POST
    action = post.get("action")
    if action == "resource":
        unit = ResidentUnit.objects.visible_to(user, Capability.MANAGE_LISTS).filter(pk=post.get("unit") or 0).first()
        if unit is None:
            raise PermissionDenied
        lists.resource_add(actor=user, unit=unit, category=post.get("category", ""), description=post.get("description", ""))
    elif action == "demand":
        community = Community.objects.visible_to(user, Capability.MANAGE_LISTS).filter(pk=post.get("community") or 0).first()
        if community is None:
            raise PermissionDenied
        lists.demand_add(actor=user, community=community, category=post.get("category", ""), description=post.get("description", ""))
    elif action == "project":
        demand = DemandItem.objects.visible_to(user, Capability.MANAGE_LISTS).filter(pk=post.get("demand") or 0).first()
        resource = ResourceItem.objects.visible_to(user, Capability.MANAGE_LISTS).filter(pk=post.get("resource") or 0).first()
        if demand is None or resource is None:
            raise PermissionDenied
        lists.project_create(actor=user, demand=demand, resource=resource, owner=post.get("owner", ""), plan=post.get("plan", ""))
    elif action == "status":
        project = Project.objects.visible_to(user, Capability.MANAGE_LISTS).filter(pk=post.get("project") or 0).first()
        if project is None:
            raise PermissionDenied
        lists.project_update(actor=user, project=project, status=post.get("status", ""), result=post.get("result", ""))
    else:
        raise PermissionDenied
