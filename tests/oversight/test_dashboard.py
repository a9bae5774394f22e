"""Dashboards: figures equal what the records say, per node and period; scope; constant queries; export."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.dates import period_bounds
from governance.models import User
from households.models import Household
from oversight import dashboards
from resident_requests.models import ResidentRequest
from resident_requests.services.intake import request_submit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_cache():
    cache.clear()


def node_of(username):
    membership = User.objects.get(username=username).memberships.get()
    return membership.node


def independent(node, start, end):
    """Counted in Python over plain querysets, without the dashboard code."""
    path = {"district": "grid__district", "street": "grid__street", "community": "grid__community", "grid": "grid"}[node.LEVEL]
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    households = [h for h in Household.objects.filter(**{path: node.pk}) if h.status == "active"]
    requests = [r for r in ResidentRequest.objects.filter(**{path: node.pk}).select_related("category__parent") if since <= r.created_at < until]
    categories = {}
    for r in requests:
        name = r.category.parent.name if r.category.parent else r.category.name
        categories[name] = categories.get(name, 0) + 1
    return {"registered": len(households), "key_care": sum(1 for h in households if h.key_care), "submitted": len(requests), "categories": categories}


@pytest.mark.parametrize("username", ["district", "street1", "community1", "grid1"])
@pytest.mark.parametrize("period", ["month", "year"])
def test_figures_equal_the_records(username, period):
    node = node_of(username)
    start, end = period_bounds(period, timezone.localdate())
    data = dashboards.compute(node, start, end)
    expected = independent(node, start, end)
    assert data["coverage"]["registered"] == expected["registered"]
    assert data["coverage"]["key_care_total"] == expected["key_care"]
    assert {row["name"]: row["count"] for row in data["by_category"]} == expected["categories"]
    assert sum(row["count"] for row in data["by_status"]) == expected["submitted"]
    if data["children"]:
        assert sum(child["households"] for child in data["children"]) == expected["registered"]


def test_an_empty_period_is_all_zero():
    data = dashboards.compute(node_of("district"), dt.date(2001, 1, 1), dt.date(2001, 1, 31))
    assert data["by_category"] == [] and data["trend"] == []
    assert all(row["denominator"] == 0 for row in data["rates"])
    assert data["volunteers"]["hours"] == 0


def test_street1_never_sees_street2(login):
    street2 = node_of("street02") if User.objects.filter(username="street02").exists() else None
    assert street2 is not None
    assert login("street1").get(reverse("dashboard", args=["street", street2.pk])).status_code == 404
    assert login("street1").get(reverse("dashboard", args=["district", node_of("district").pk])).status_code == 404
    assert login("street1").get(reverse("dashboard-root"))["Location"] == reverse("dashboard", args=["street", node_of("street1").pk])


def test_the_page_reads_the_cache_and_says_as_of_when(login):
    node = node_of("district")
    start, end = period_bounds("month", timezone.localdate())
    _data, as_of = dashboards.dashboard_refresh(node=node, start=start, end=end)
    client = login("district")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard", args=["district", node.pk]))
    assert response.context["as_of"] == as_of
    # Session, user, memberships, the district, notifications: no figure is recomputed from a fresh cache.
    assert len(ctx) <= 6


def test_queries_do_not_grow_with_rows(user):
    node = node_of("community1")
    start, end = period_bounds("year", timezone.localdate())
    with CaptureQueriesContext(connection) as before:
        dashboards.compute(node, start, end)
    grid = node_of("grid1")
    for _ in range(5):
        request_submit(source="hotline", category=ResidentRequest.objects.first().category, description="新增的诉求用于计数", grid=grid)
    with CaptureQueriesContext(connection) as after:
        dashboards.compute(node, start, end)
    assert len(after) == len(before)


def test_export_has_a_sheet_per_table(login):
    node = node_of("community1")
    response = login("community1").get(reverse("dashboard-export", args=["community", node.pk]) + "?period=year")
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 11
    rows = list(book[book.sheetnames[6]].iter_rows(values_only=True))
    assert len(rows) - 2 == node.grids.count()  # below the title row and the header


def test_export_sheets_are_titled_with_rates_as_percentages_and_due_times_as_dates(login):
    node = node_of("community1")
    due = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=3)
    late = ResidentRequest.objects.filter(grid__community=node, status="submitted").first()
    ResidentRequest.objects.filter(pk=late.pk).update(stage_deadline=due)
    start, end = period_bounds("year", timezone.localdate())
    book = load_workbook(io.BytesIO(login("community1").get(reverse("dashboard-export", args=["community", node.pk]) + "?period=year").content))
    for sheet in book.worksheets:
        assert sheet["A1"].value.startswith(f"幸福社区 · {sheet.title} · {start:%Y-%m-%d} 至 {end:%Y-%m-%d} · 数据截至 ")
        assert sheet["A2"].font.bold and sheet.freeze_panes == "A3"
    rates = [row for row in book.worksheets[1].iter_rows(min_row=3) if row[2].value]
    assert rates and all(row[3].value == row[1].value / row[2].value and row[3].number_format == "0.0%" for row in rates)
    overdue = next(row for row in book.worksheets[3].iter_rows(min_row=3) if row[0].value == late.public_id)
    assert overdue[6].is_date and overdue[6].value == timezone.localtime(due).replace(tzinfo=None) and overdue[6].number_format == "yyyy-mm-dd hh:mm"


def test_the_refresh_job_fills_the_cache():
    from django.core.management import call_command

    call_command("refresh_dashboards")
    start, end = period_bounds("month", timezone.localdate())
    assert cache.get(dashboards._key(node_of("community1"), start, end)) is not None


def test_the_export_names_its_figures_in_chinese_not_by_their_keys(login):
    node = node_of("community1")
    response = login("community1").get(reverse("dashboard-export", args=["community", node.pk]) + "?period=year")
    book = load_workbook(io.BytesIO(response.content))
    coverage = [row[0] for row in book[book.sheetnames[0]].iter_rows(min_row=3, values_only=True)]
    volunteers = [row[0] for row in book[book.sheetnames[4]].iter_rows(min_row=3, values_only=True)]
    assert "登记户数" in coverage and "志愿服务时长" in volunteers
    assert not any(label.isascii() for label in coverage + volunteers)


def test_stale_figures_are_recomputed_by_one_request_and_the_cache_being_down_is_no_500(monkeypatch):
    from django.core.cache import cache

    from oversight import dashboards

    calls = []

    def figures():
        calls.append(1)
        return {"n": len(calls)}

    stale = timezone.now() - dt.timedelta(seconds=dashboards.FRESH_SECONDS + 1)
    cache.set("test:figures", {"data": {"n": 0}, "as_of": stale}, 600)
    cache.set("test:figures:computing", 1, 60)
    # Another request is already recomputing: this one shows the stale figures with their time and computes nothing.
    assert dashboards.cached_figures("test:figures", figures) == ({"n": 0}, stale) and calls == []
    cache.delete("test:figures:computing")
    assert dashboards.cached_figures("test:figures", figures)[0] == {"n": 1}

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("Redis is down")

            return fail

    monkeypatch.setattr(dashboards, "cache", Down())
    assert dashboards.cached_figures("test:figures", figures)[0] == {"n": 2}
