"""The district's view over the API: the same numbers as the pages, the same scope, strict parameters."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from oversight.reports import monthly_report_generate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_cache():
    cache.clear()


def node_of(user, username):
    return user(username).memberships.get().node


@pytest.mark.parametrize(
    ("username", "query"),
    [
        ("district", {}),
        ("street1", {"period": "year"}),
        ("community1", {"period": "custom", "from": "2026-01-01", "to": "2026-11-30"}),
        ("grid1", {"period": "quarter"}),
    ],
)
def test_a_dashboard_has_the_numbers_of_its_page(api, login, user, username, query):
    node = node_of(user, username)
    page = login(username).get(reverse("dashboard", args=[node.LEVEL, node.pk]), query).context
    answer = api(username).get(f"/api/dashboards/{node.LEVEL}/{node.pk}/", query)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["start"], body["end"], body["period"]) == (page["start"].isoformat(), page["end"].isoformat(), page["period"])
    data = page["data"]
    assert body["coverage"] == data["coverage"] and body["ages"] == data["ages"] and body["lists"] == data["lists"] and body["linkage"] == data["linkage"]
    assert [(row["key"], row["numerator"], row["denominator"], row["rate"]) for row in body["rates"]] == [
        (row["key"], row["numerator"], row["denominator"], row["rate"]) for row in data["rates"]
    ]
    assert body["volunteers"] == data["volunteers"] and body["trend"] == data["trend"] and body["by_category"] == data["by_category"]
    assert [row["public_id"] for row in body["overdue"]] == [row["public_id"] for row in data["overdue"]]
    assert [(row["id"], row["households"], row["requests"]) for row in body["children"]] == [
        (r["id"], r["households"], r["requests"]) for r in data["children"]
    ]


def test_a_dashboard_outside_the_area_or_of_a_building_is_404(api, user):
    community1 = node_of(user, "community1")
    assert api("community2").get(f"/api/dashboards/community/{community1.pk}/").status_code == 404
    assert api("outsider").get(f"/api/dashboards/community/{community1.pk}/").status_code == 404
    assert api("volunteer1").get(f"/api/dashboards/community/{community1.pk}/").status_code == 404
    assert api("community1").get("/api/dashboards/community/99999999/").status_code == 404
    assert api("district").get("/api/dashboards/building/1/").status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"period": "decade"}, "period"),
        ({"period": "custom", "from": "2026-13-45"}, "from"),
        ({"to": "0000-01-01"}, "to"),
        ({"from": "２０２６-01-01"}, "from"),
    ],
)
def test_a_bad_period_is_a_400_naming_the_parameter(api, user, query, parameter):
    community1 = node_of(user, "community1")
    answer = api("community1").get(f"/api/dashboards/community/{community1.pk}/", query)
    assert answer.status_code == 400 and parameter in answer.json()["extra"]["fields"]


def test_the_dashboard_export_is_the_pages_workbook(api, user):
    community1 = node_of(user, "community1")
    answer = api("community1").get(f"/api/dashboards/community/{community1.pk}/export/", {"period": "year"})
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    assert len(load_workbook(io.BytesIO(answer.content)).sheetnames) == 11


@pytest.mark.parametrize(("username", "level"), [("district", "district"), ("street1", "street"), ("community1", "community"), ("grid1", "grid")])
def test_coverage_has_the_numbers_of_its_page(api, login, user, username, level):
    node = node_of(user, username)
    page = login(username).get(reverse("coverage", args=[level, node.pk])).context
    body = api(username).get(f"/api/coverage/{level}/{node.pk}/").json()
    assert body["figures"] == page["figures"] and body["child_level"] == page["child_level"]
    assert [(row["id"], row["registered"], row["visited_90"]) for row in body["rows"]] == [(r["id"], r["registered"], r["visited_90"]) for r in page["rows"]]
    assert api("outsider").get(f"/api/coverage/{level}/{node.pk}/").status_code == 404


@pytest.mark.parametrize("query", [{}, {"from": "2026-01-01", "to": "2026-11-30"}, {"level": "grid", "pk": "NODE"}])
def test_request_figures_have_the_numbers_of_their_page(api, login, user, query):
    query = {key: (str(node_of(user, "grid1").pk) if value == "NODE" else value) for key, value in query.items()}
    page = login("community1").get(reverse("request-figures"), query).context
    body = api("community1").get("/api/request-figures/", query).json()
    assert [(row["key"], row["numerator"], row["denominator"]) for row in body["rates"]] == [(r["key"], r["numerator"], r["denominator"]) for r in page["rows"]]
    assert body["start"] == page["start"].isoformat() and body["id"] == (page["node"].pk if page["node"] else None)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"level": "planet", "pk": "1"}, "level"), ({"level": "grid"}, "pk"), ({"level": "grid", "pk": "1.5"}, "pk"), ({"from": "yesterday"}, "from")],
)
def test_bad_request_figure_parameters_are_400(api, query, parameter):
    answer = api("community1").get("/api/request-figures/", query)
    assert answer.status_code == 400 and parameter in answer.json()["extra"]["fields"]


def test_request_figures_need_figures_and_stay_in_the_area(api, user):
    assert api("volunteer1").get("/api/request-figures/").status_code == 403
    grid3 = node_of(user, "grid3")
    assert api("community1").get("/api/request-figures/", {"level": "grid", "pk": grid3.pk}).status_code == 404


def test_the_assessment_has_the_scores_of_its_page(api, login):
    page = login("street1").get(reverse("assessment"), {"year": 2026}).context
    body = api("street1").get("/api/assessment/", {"year": 2026}).json()
    assert body["year"] == 2026 and [row["key"] for row in body["indicators"]] == [i.key for i in page["indicators"]]
    assert [(row["id"], row["score"], row["rank"]) for row in body["communities"]] == [(r["community"].pk, r["score"], r["rank"]) for r in page["communities"]]
    assert [(row["user"], row["score"]) for row in body["workers"]] == [(r["worker"].pk, r["score"]) for r in page["workers"]]
    assert api("grid1").get("/api/assessment/").status_code == 403
    assert api("street1").get("/api/assessment/", {"year": "20260"}).status_code == 400


def test_monthly_reports_are_listed_in_scope_and_download_the_pages_file(api, login, user, settings, tmp_path, django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path
    community1 = node_of(user, "community1")
    report = monthly_report_generate(node=community1, month=dt.date(2026, 9, 1))
    monthly_report_generate(node=node_of(user, "community2"), month=dt.date(2026, 9, 1))
    listed = api("community1").get("/api/monthly-reports/").json()
    assert [row["id"] for row in listed["results"]] == [report.pk] and listed["results"][0]["level"] == "community"
    assert report.pk in {row["id"] for row in api("street1").get("/api/monthly-reports/").json()["results"]}
    client = api("district")
    # The caller's memberships, COUNT, then the page of reports.
    with django_assert_num_queries(3):
        client.get("/api/monthly-reports/")
    pdf = api("community1").get(f"/api/monthly-reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == report.pdf.open("rb").read()
    page = login("community1").get(reverse("report-download", args=[report.pk, "xlsx"]))
    xlsx = api("community1").get(f"/api/monthly-reports/{report.pk}/xlsx/", HTTP_ACCEPT=XLSX)
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content) == b"".join(page.streaming_content)
    assert api("community2").get(f"/api/monthly-reports/{report.pk}/pdf/").status_code == 404
    assert api("community2").get(f"/api/monthly-reports/{report.pk}/").status_code == 404
    assert api("grid1").get("/api/monthly-reports/").status_code == 403


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
