"""The yearly assessment (考核): ranking tables of communities and grid workers, printable."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from governance import assessment
from governance.models import Community
from governance.params import query_year
from governance.roles import Capability
from governance.scope import scope_for
from grids.models import Grid


def assessment_page(request):
    if scope_for(request.user, Capability.VIEW_AUDIT).is_empty:
        raise PermissionDenied
    year = query_year(request.GET, default=timezone.localdate().year)
    communities = list(Community.objects.visible_to(request.user, Capability.VIEW_AUDIT).order_by("code"))
    grids = Grid.objects.visible_to(request.user, Capability.VIEW_AUDIT)
    plan = assessment.plan_for(year)
    context = {
        "year": year,
        "plan": plan,
        "indicators": list(plan.indicators.all()),
        "communities": assessment.community_scores(communities, year=year),
        "workers": assessment.worker_scores(grids, year=year),
    }
    return render(request, "governance/assessment.html", context)


urlpatterns = [path("assessment/", assessment_page, name="assessment")]
