"""Monthly reports: produced once per node and month, PDF and .xlsx, archived and scoped."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.dates import previous_month
from governance.models import Community, District, Street
from oversight.models import MonthlyReport
from oversight.reports import monthly_report_generate

pytestmark = pytest.mark.django_db


def test_the_job_produces_each_report_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("monthly_reports")
    count = MonthlyReport.objects.count()
    call_command("monthly_reports")
    # One a district, street and community: the world's two districts, three streets and four communities.
    assert MonthlyReport.objects.count() == count == District.objects.count() + Street.objects.count() + Community.objects.count() == 2 + 3 + 4
    month, _last = previous_month(timezone.localdate())
    assert set(MonthlyReport.objects.values_list("month", flat=True)) == {month}


def test_a_report_has_a_pdf_and_the_dashboard_tables(user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community = user("community1").memberships.get().community
    report = monthly_report_generate(node=community, month=dt.date(2026, 10, 1))
    assert report.pdf.open("rb").read(4) == b"%PDF"
    book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    assert len(book.sheetnames) == 11
    assert monthly_report_generate(node=community, month=dt.date(2026, 10, 1)) is None


def test_the_archive_is_scoped(login, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    community1 = user("community1").memberships.get().community
    report = monthly_report_generate(node=community1, month=dt.date(2026, 9, 1))
    assert report in login("community1").get(reverse("report-archive")).context["page"].object_list
    assert report in login("street1").get(reverse("report-archive")).context["page"].object_list
    assert login("community2").get(reverse("report-download", args=[report.pk, "pdf"])).status_code == 404
    response = login("community1").get(reverse("report-download", args=[report.pk, "xlsx"]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
