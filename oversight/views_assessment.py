"""The yearly assessment (考核): ranking tables of communities and grid workers, printable."""

from django.shortcuts import render
from django.utils import timezone

from core.params import query_year
from oversight.selectors import assessment_for


def assessment_page(request):
    year = query_year(request.GET, default=timezone.localdate().year)
    return render(request, "oversight/assessment.html", assessment_for(request.user, year))
