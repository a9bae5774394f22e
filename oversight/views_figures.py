"""The request figures page: 受理率, 办结率 and the other rates of the user's area or one node of it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from core.dates import days_window, month_start
from core.params import query_date_range
from governance import selectors as governance_selectors
from governance.roles import Capability
from governance.scope import scope_for
from oversight.dashboards import THROUGH_GRID
from oversight.figures import request_figures
from resident_requests.models import ResidentRequest


def figures(request):
    """受理率, 办结率 and the other rates for the user's area (or one node of it) over a period."""
    today = timezone.localdate()
    start, end = query_date_range(request.GET, default_start=month_start(today), default_end=today)
    # Figures of the user's area only: requests dispatched to them by name (a volunteer) are not figures of theirs.
    if scope_for(request.user, Capability.VIEW_FIGURES).is_empty:
        raise PermissionDenied
    requests = ResidentRequest.objects.visible_to(request.user, Capability.VIEW_FIGURES)
    node = None
    level, pk = request.GET.get("level", ""), request.GET.get("pk", "")
    if level in THROUGH_GRID and pk.isdecimal():
        node = governance_selectors.figures_node_get_for(request.user, level, int(pk))
        requests = requests.filter(**{THROUGH_GRID[level]: node})
    since, until = days_window(start, end)
    rows = request_figures(requests, start=since, end=until)
    return render(request, "oversight/request_figures.html", {"rows": rows, "start": start, "end": end, "node": node})
