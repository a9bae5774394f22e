"""Dashboard pages: one per node, drill-down to the child nodes, a period selector, tables beside charts, .xlsx export."""

import io

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from governance import dashboards, selectors
from governance.roles import Level

PERIODS = ["month", "quarter", "year", "custom"]


def _node_and_period(request, level, pk):
    if level not in Level.values or level == Level.BUILDING:
        raise Http404
    node = selectors.node_get_for(request.user, level, pk)
    period = request.GET.get("period", "month")
    period = period if period in PERIODS else "month"
    start, end = dashboards.period_bounds(period, timezone.localdate(), request.GET.get("from", ""), request.GET.get("to", ""))
    return node, period, start, end


def dashboard_root(request):
    level, nodes = selectors.top_nodes_for(request.user)
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
        "as_of": as_of,
        "periods": PERIODS,
        "query": request.GET.urlencode(),
    }
    return render(request, "governance/dashboard.html", context)


def dashboard_export(request, level, pk):
    """Every table of the page in one workbook, a sheet each."""
    node, _period, start, end = _node_and_period(request, level, pk)
    data, _as_of = dashboards.dashboard_for(node, start, end)
    book = Workbook(write_only=True)
    sheets = [
        (_("Coverage"), [(_("Figure"), _("Count"))] + [(key, value) for key, value in data["coverage"].items()]),
        (
            _("Request figures"),
            [(_("Figure"), _("Count"), _("Out of"), _("Rate"))] + [(row["label"], row["numerator"], row["denominator"], row["rate"]) for row in data["rates"]],
        ),
        (_("By category"), [(_("Category"), _("Count"))] + [(row["name"], row["count"]) for row in data["by_category"]]),
        (
            _("Overdue"),
            [(_("Tracking code"), _("Category"), _("Status"), _("Level"), _("Due"), _("Grid"), _("Held by"))]
            + [
                (r["tracking_code"], r["category__name"], r["status"], r["level"], r["stage_deadline"], r["grid__name"], r["handler__full_name"])
                for r in data["overdue"]
            ],
        ),
        (_("Volunteers"), [(_("Figure"), _("Count")), *list(data["volunteers"].items())]),
        (
            _("Monthly trend"),
            [(_("Month"), _("Submitted"), _("Closed"), _("Visits"))] + [(r["month"], r["submitted"], r["closed"], r["visits"]) for r in data["trend"]],
        ),
        (
            _("Below"),
            [(_("Area"), _("Households"), _("Key-care"), _("Requests"), _("Closed"))]
            + [(r["name"], r["households"], r["key_care"], r["requests"], r["closed"]) for r in data["children"]],
        ),
    ]
    for title, rows in sheets:
        sheet = book.create_sheet(str(title)[:31])
        for row in rows:
            sheet.append([str(cell) if cell is not None and not isinstance(cell, int | float) else cell for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{level}-{pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


urlpatterns = [
    path("dashboard/", dashboard_root, name="dashboard-root"),
    path("dashboard/<str:level>/<int:pk>/", dashboard, name="dashboard"),
    path("dashboard/<str:level>/<int:pk>/export.xlsx", dashboard_export, name="dashboard-export"),
]
