"""The monthly report archive, scoped like everything else; files are served only through the scope check."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from core.files import file_response
from governance.roles import Level
from oversight.selectors import REPORT_LEVELS, monthly_report_get_for, monthly_report_list_for, report_level


def archive(request):
    level = report_level(request.GET)
    page = Paginator(monthly_report_list_for(request.user, level=level), 30).get_page(request.GET.get("page"))
    levels = [(value, Level(value).label) for value in REPORT_LEVELS]
    return render(request, "oversight/reports.html", {"page": page, "level": level, "levels": levels})


def download(request, pk, kind):
    report = monthly_report_get_for(request.user, pk)
    if kind not in ("pdf", "xlsx"):
        raise Http404
    return file_response(getattr(report, kind), attachment=True, filename=f"{report.title}.{kind}")
