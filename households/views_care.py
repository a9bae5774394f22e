"""Visits due, coverage, heart-link cards with their QR code, the people's-situation map."""

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.qr import qr_svg
from governance import selectors as governance_selectors
from governance.models import Membership
from governance.roles import Capability, Level, Role
from grids.models import Building
from households import selectors
from households.models import Household

# Child grouping of the coverage table at each level.
COVERAGE_CHILD = {
    Level.DISTRICT: ("grid__street", "grid__street__name"),
    Level.STREET: ("grid__community", "grid__community__name"),
    Level.COMMUNITY: ("grid", "grid__name"),
    Level.GRID: ("building", "building__name"),
}
NODE_FILTER = {Level.DISTRICT: "grid__district", Level.STREET: "grid__street", Level.COMMUNITY: "grid__community", Level.GRID: "grid"}


def visits_due(request):
    grid = request.GET.get("grid")
    due = selectors.visits_due_for(request.user, grid=int(grid) if grid and grid.isdecimal() else None)
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    return render(request, "households/care_visits_due.html", {"page": page, "today": timezone.localdate(), "grid": grid})


def coverage(request, level, pk):
    if level not in COVERAGE_CHILD:
        raise Http404
    node = governance_selectors.figures_node_get_for(request.user, level, pk)
    households = selectors.household_list_for(request.user).filter(**{NODE_FILTER[level]: node}).prefetch_related(None)
    key, label = COVERAGE_CHILD[level]
    rows = selectors.coverage_by(households, key, label)
    context = {
        "node": node,
        "level": level,
        "figures": selectors.coverage(households),
        "rows": [{**row, "name": row[label], "id": row[key]} for row in rows],
        "child_level": {"grid__street": "street", "grid__community": "community", "grid": "grid", "building": "building"}[key],
    }
    return render(request, "households/care_coverage.html", context)


def _card(request, household, worker):
    url = request.build_absolute_uri(reverse("public-household", args=[household.public_token]))
    return {"household": household, "worker": worker, "qr": qr_svg(url, box_size=8, border=2), "url": url}


def _grid_workers(grid_ids) -> dict:
    memberships = Membership.objects.filter(role=Role.GRID_WORKER, grid_id__in=grid_ids).select_related("user")
    return {m.grid_id: m.user for m in memberships}


def household_card(request, pk):
    household = selectors.household_get_for(request.user, pk)
    worker = _grid_workers([household.grid_id]).get(household.grid_id)
    return render(request, "households/care_cards.html", {"cards": [_card(request, household, worker)], "title": str(household)})


def building_cards(request, pk):
    building = governance_selectors.node_get_for(request.user, Level.BUILDING, pk)
    households = (
        selectors.household_list_for(request.user)
        .filter(building=building)
        .select_related("grid__community")
        .prefetch_related(None)
        .order_by("unit", "floor", "room")
    )
    worker = _grid_workers([building.grid_id]).get(building.grid_id)
    return render(request, "households/care_cards.html", {"cards": [_card(request, household, worker) for household in households], "title": building.name})


@login_not_required
def public_household(request, token):
    """Where the QR code on the card leads: the grid's contacts, and (with the requests module) the request form."""
    household = selectors.household_by_token(token)
    if household is None:
        raise Http404
    worker = _grid_workers([household.grid_id]).get(household.grid_id)
    return render(request, "households/care_public.html", {"grid": household.grid, "community": household.grid.community, "worker": worker, "token": token})


def situation_map(request, level, pk):
    """Buildings as tiles grouped by grid, coloured by key-care households or by open requests (?by=requests)."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from resident_requests.lifecycle import OPEN
    from resident_requests.models import ResidentRequest

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
    return render(request, "households/care_map.html", {"node": node, "level": level, "grids": list(grids.values()), "by": by})
