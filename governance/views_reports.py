"""The monthly report archive, scoped like everything else; files are served only through the scope check."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import path

from governance.models import MonthlyReport
from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for


def archive(request):
    if scope_for(request.user, Capability.VIEW_AUDIT).is_empty:
        raise PermissionDenied
    page = Paginator(MonthlyReport.objects.visible_to(request.user, Capability.VIEW_AUDIT).select_related("district", "street", "community"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "governance/reports.html", {"page": page})


def download(request, pk, kind):
    report = get_in_scope_or_404(MonthlyReport.objects.visible_to(request.user, Capability.VIEW_AUDIT), pk=pk)
    field = report.pdf if kind == "pdf" else report.xlsx
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])


urlpatterns = [
    path("reports/", archive, name="report-archive"),
    path("reports/<int:pk>/<str:kind>/", download, name="report-download"),
]
