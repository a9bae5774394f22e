"""The three lists page (三张清单) for a community's or street's cadres."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.forms import form_cleaned
from governance.permissions import has_capability
from governance.roles import Capability
from party_building import lists, selectors
from party_building.forms import DemandForm, ProjectForm, ProjectStatusForm, ResourceForm
from party_building.models import ListCategory, Project

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
    demands = list(selectors.demand_list_for(user)[:LIMIT])
    suggestions = lists.match_suggestions(demands)
    context = {
        "resources": selectors.resource_list_for(user)[:LIMIT],
        "demands": [(demand, suggestions.get(demand.pk, [])) for demand in demands],
        "projects": selectors.project_list_for(user)[:LIMIT],
        "units": selectors.list_unit_list_for(user)[:LIMIT],
        "communities": selectors.list_community_list_for(user)[:LIMIT],
        "categories": ListCategory.choices,
        "statuses": Project.Status.choices,
    }
    return render(request, "party_building/three_lists.html", context)


# The page's actions: the form that reads each one and the service that applies it.
ACTIONS = {"resource": (ResourceForm, lists.resource_add), "demand": (DemandForm, lists.demand_add), "project": (ProjectForm, lists.project_create)}


def _act(request) -> None:
    user, post = request.user, request.POST
    action = post.get("action")
    if action in ACTIONS:
        form_class, service = ACTIONS[action]
        service(actor=user, **form_cleaned(form_class(post, user=user)))
    elif action == "status":
        project = selectors.project_get_for(user, post.get("project", ""))
        lists.project_update(actor=user, project=project, **form_cleaned(ProjectStatusForm(post)))
    else:
        raise PermissionDenied
