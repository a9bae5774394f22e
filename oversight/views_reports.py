"""The monthly report archive, scoped like everything else; files are served only through the scope check."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from core.files import file_response
from governance.permissions import can_see_oversight
from governance.roles import Capability
from governance.scope import get_in_scope_or_404
from oversight.models import MonthlyReport


def archive(request):
    if not can_see_oversight(request.user):
        raise PermissionDenied
    page = Paginator(MonthlyReport.objects.visible_to(request.user, Capability.VIEW_OVERSIGHT).select_related("district", "street", "community"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "oversight/reports.html", {"page": page})


def download(request, pk, kind):
    report = get_in_scope_or_404(MonthlyReport.objects.visible_to(request.user, Capability.VIEW_OVERSIGHT), pk=pk)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    return file_response(getattr(report, kind), attachment=True, filename=f"{report.title}.{kind}")
