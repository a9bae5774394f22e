"""The request figures page: 受理率, 办结率 and the other rates of the user's area or one node of it."""

from django.shortcuts import render
from django.utils import timezone

from core.dates import month_start
from core.params import query_date_range
from oversight.dashboards import THROUGH_GRID
from oversight.selectors import request_figures_for


def figures(request):
    """受理率, 办结率 and the other rates for the user's area (or one node of it) over a period."""
    today = timezone.localdate()
    start, end = query_date_range(request.GET, default_start=month_start(today), default_end=today)
    level, pk = request.GET.get("level", ""), request.GET.get("pk", "")
    # The page ignores a node it cannot read off the query; the API answers 400 instead.
    node_query = {"level": level, "pk": int(pk)} if level in THROUGH_GRID and pk.isascii() and pk.isdecimal() else {}
    node, rows = request_figures_for(request.user, start=start, end=end, **node_query)
    return render(request, "oversight/request_figures.html", {"rows": rows, "start": start, "end": end, "node": node})
