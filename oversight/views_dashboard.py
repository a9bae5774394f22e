"""Dashboard pages: one per node, drill-down to the child nodes, a period selector, tables beside charts, .xlsx export."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from core.dates import PERIODS
from core.params import query_period
from governance import selectors
from governance.roles import Capability, Level
from oversight import dashboards
from resident_requests.selectors import overdue_rows


def _node_and_period(request, level, pk):
    if level not in Level.values or level == Level.BUILDING:
        raise Http404
    node = selectors.figures_node_get_for(request.user, level, pk)
    return node, *query_period(request.GET, today=timezone.localdate())


def dashboard_root(request):
    level, nodes = selectors.top_nodes_for(request.user, Capability.VIEW_FIGURES)
    node = nodes.first() if level and level != Level.BUILDING else None
    if node is None:
        raise Http404
    return redirect("dashboard", level=level, pk=node.pk)


def dashboard(request, level, pk):
    node, period, start, end = _node_and_period(request, level, pk)
    data, as_of = dashboards.dashboard_for(node, start, end)
    context = {
        "node": node,
        "level": level,
        "period": period,
        "start": start,
        "end": end,
        "data": data,
        "overdue": overdue_rows(data["overdue"], now=timezone.now()),
        "as_of": as_of,
        "periods": PERIODS,
        "query": request.GET.urlencode(),
        # Up to the city for its organization department: the way back from a district it drilled into.
        "breadcrumbs": selectors.ancestor_list_for(request.user, node, Capability.VIEW_FIGURES),
    }
    return render(request, "oversight/dashboard.html", context)


def dashboard_export(request, level, pk):
    """Every table of the page in one workbook, a sheet each."""
    node, _period, start, end = _node_and_period(request, level, pk)
    data, as_of = dashboards.dashboard_for(node, start, end)
    content = dashboards.figures_workbook(data, node=node, start=start, end=end, as_of=as_of)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{level}-{pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response
