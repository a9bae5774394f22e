"""The yearly assessment (考核): ranking tables of communities and grid workers, printable."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from core.params import query_year
from governance.models import Community
from governance.permissions import can_see_oversight
from governance.roles import Capability
from grids.models import Grid
from oversight import assessment


def assessment_page(request):
    if not can_see_oversight(request.user):
        raise PermissionDenied
    year = query_year(request.GET, default=timezone.localdate().year)
    communities = list(Community.objects.visible_to(request.user, Capability.VIEW_OVERSIGHT).order_by("code"))
    grids = Grid.objects.visible_to(request.user, Capability.VIEW_OVERSIGHT)
    plan = assessment.plan_for(year)
    context = {
        "year": year,
        "plan": plan,
        "indicators": list(plan.indicators.all()),
        "communities": assessment.community_scores(communities, year=year),
        "workers": assessment.worker_scores(grids, year=year),
    }
    return render(request, "oversight/assessment.html", context)
