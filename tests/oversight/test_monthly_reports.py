"""Monthly reports: produced once per node and month, PDF and .xlsx, archived and scoped."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.dates import previous_month
from governance.models import City, Community, District, Street
from governance.roles import Role
from oversight.models import MonthlyReport
from oversight.reports import monthly_report_generate
from tests import factories as f
from tests.oversight.test_city_dashboard import district_in

pytestmark = pytest.mark.django_db


def test_the_job_produces_each_report_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("monthly_reports")
    count = MonthlyReport.objects.count()
    call_command("monthly_reports")
    # One a city, district, street and community: the world's city, two districts, three streets and four communities.
    nodes = City.objects.count() + District.objects.count() + Street.objects.count() + Community.objects.count()
    assert MonthlyReport.objects.count() == count == nodes == 1 + 2 + 3 + 4
    assert MonthlyReport.objects.get(city__code="130100").district is None
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


def sheet(report, index: int) -> list[tuple]:
    """The rows of one sheet of a report's workbook, below its title and header."""
    book = load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    return list(book.worksheets[index].iter_rows(min_row=3, values_only=True))


def test_a_citys_report_adds_up_its_districts_and_reaches_its_department_only(api, login, user, settings, tmp_path, django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path
    city = user("city1").memberships.get().city
    districts = [user("district").memberships.get().district, district_in(city, code="130105", name="新华区", households=3)]
    other = f.CityFactory(name="大连市", code="210200")
    district_in(other, code="210202", name="中山区")
    f.UserFactory(username="city2", role=Role.CITY_ORG, node=other)
    month = dt.date(2026, 10, 1)
    report = monthly_report_generate(node=city, month=month)
    assert (report.city, report.district, report.title) == (city, None, "石家庄市 2026-10 月度报告")
    assert report.pdf.open("rb").read(4) == b"%PDF"
    parts = [monthly_report_generate(node=district, month=month) for district in districts]
    # Coverage is the sum of the districts'; the rows below are the districts.
    assert [row[1] for row in sheet(report, 0)] == [sum(values) for values in zip(*([row[1] for row in sheet(part, 0)] for part in parts), strict=True)]
    assert sorted(row[0] for row in sheet(report, 6)) == sorted(district.name for district in districts)
    assert monthly_report_generate(node=city, month=month) is None

    listed = api("city1").get("/api/monthly-reports/", {"month": "2026-10-01"}).json()["results"]
    assert {(row["id"], row["level"], row["city"], row["district"]) for row in listed} >= {(report.pk, "city", city.pk, None)}
    assert {row["id"] for row in listed} >= {part.pk for part in parts}
    assert report in login("city1").get(reverse("report-archive")).context["page"].object_list
    assert report in login("city1").get(reverse("admin:oversight_monthlyreport_changelist")).context["cl"].result_list
    page = login("city1").get(reverse("report-download", args=[report.pk, "xlsx"]))
    xlsx = api("city1").get(f"/api/monthly-reports/{report.pk}/xlsx/", HTTP_ACCEPT=XLSX)
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content) == b"".join(page.streaming_content)
    assert api("city1").get(f"/api/monthly-reports/{report.pk}/pdf/").status_code == 200
    # The district under the city and another city's department answer as for a missing report.
    for username in ("district", "city2"):
        assert report not in login(username).get(reverse("report-archive")).context["page"].object_list
        assert login(username).get(reverse("report-download", args=[report.pk, "pdf"])).status_code == 404
        assert api(username).get(f"/api/monthly-reports/{report.pk}/").status_code == 404
        assert api(username).get(f"/api/monthly-reports/{report.pk}/xlsx/", HTTP_ACCEPT=XLSX).status_code == 404
    assert report not in login("district").get(reverse("admin:oversight_monthlyreport_changelist")).context["cl"].result_list
    client = api("city1")
    # The caller's memberships, the city's districts (scope), COUNT, then the page of reports.
    with django_assert_num_queries(4):
        client.get("/api/monthly-reports/")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_citys_archive_shows_one_level_at_a_time(api, login, user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = user("city1").memberships.get().city
    district = user("district").memberships.get().district
    street = Street.objects.filter(district=district).order_by("pk").first()
    month = dt.date(2026, 10, 1)
    own, of_district, of_street = (monthly_report_generate(node=node, month=month) for node in (city, district, street))
    archive = reverse("report-archive")
    assert {own, of_district, of_street} <= set(login("city1").get(archive).context["page"].object_list)
    assert list(login("city1").get(archive, {"level": "city"}).context["page"].object_list) == [own]
    districts = login("city1").get(archive, {"level": "district"})
    assert of_district in districts.context["page"].object_list and of_street not in districts.context["page"].object_list
    assert '<option value="district" selected>' in districts.content.decode()
    assert [row["id"] for row in api("city1").get("/api/monthly-reports/", {"level": "street"}).json()["results"]] == [of_street.pk]
    # A level that has no reports of its own is refused in words, on the page and in the API.
    assert "请从列表中选择层级" in login("city1").get(archive, {"level": "grid"}).content.decode()
    refused = api("city1").get("/api/monthly-reports/", {"level": "grid"})
    assert refused.status_code == 400 and "level" in refused.json()["extra"]["fields"]
