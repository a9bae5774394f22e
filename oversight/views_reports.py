"""The monthly report archive, scoped like everything else; files are served only through the scope check."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from core.files import file_response
from oversight.selectors import monthly_report_get_for, monthly_report_list_for


def archive(request):
    page = Paginator(monthly_report_list_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "oversight/reports.html", {"page": page})


def download(request, pk, kind):
    report = monthly_report_get_for(request.user, pk)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    return file_response(getattr(report, kind), attachment=True, filename=f"{report.title}.{kind}")
