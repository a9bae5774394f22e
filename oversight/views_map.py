"""The people's-situation map (民情地图) coloured by key-care households or open requests, and household coverage per node."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render

from governance import selectors as governance_selectors
from governance.roles import Capability, Level
from grids.models import Building
from households.models import Household
from oversight.selectors import COVERAGE_CHILD, coverage_for
from resident_requests.lifecycle import OPEN
from resident_requests.models import ResidentRequest


def coverage(request, level, pk):
    if level not in COVERAGE_CHILD:
        raise Http404
    return render(request, "oversight/coverage.html", coverage_for(request.user, level, pk))


def situation_map(request, level, pk):
    """Buildings as tiles grouped by grid, coloured by key-care households or by open requests (?by=requests)."""
    if level not in (Level.COMMUNITY, Level.GRID):
        raise Http404
    node = governance_selectors.figures_node_get_for(request.user, level, pk)
    by = "requests" if request.GET.get("by") == "requests" else "key_care"
    active = Q(households__status=Household.Status.ACTIVE)
    open_requests = ResidentRequest.objects.filter(building=OuterRef("pk"), status__in=OPEN).order_by().values("building").annotate(n=Count("pk")).values("n")
    buildings = (
        Building.objects.visible_to(request.user, Capability.VIEW_FIGURES)
        .filter(**{"grid__community" if level == Level.COMMUNITY else "grid": node})
        .select_related("grid")
        .annotate(household_count=Count("households", filter=active), key_care_count=Count("households", filter=active & Q(households__key_care=True)))
        .annotate(open_count=Coalesce(Subquery(open_requests), 0))
        .order_by("grid__code", "number")
    )
    grids: dict[int, dict] = {}
    for building in buildings:
        value = building.open_count if by == "requests" else building.key_care_count
        bucket = "none" if value == 0 else "few" if value <= 2 else "many"
        grids.setdefault(building.grid_id, {"grid": building.grid, "buildings": []})["buildings"].append((building, bucket))
    return render(request, "oversight/situation_map.html", {"node": node, "level": level, "grids": list(grids.values()), "by": by})
