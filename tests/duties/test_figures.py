"""The figures of tasks pushed down: counted in the database per node and the level below, shown on the dashboard and in its workbook."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.dates import days_window, month_start
from duties.lifecycle import TaskStatus
from duties.selectors import task_figures
from tests import factories as f

pytestmark = pytest.mark.django_db


def window():
    today = timezone.localdate()
    return days_window(month_start(today), today)


def test_a_streets_figures_take_two_queries_and_count_each_community(community, django_assert_num_queries):
    home, other = community("community1"), community("community2")
    f.incoming_task(other, status=TaskStatus.REFUSED)
    since, until, street = *window(), home.street
    # One aggregate over the street's tasks, one grouped by community.
    with django_assert_num_queries(2):
        figures = task_figures(street, since=since, until=until)
    rows = {row["key"]: row for row in figures["rows"]}
    assert (rows["off_list"]["numerator"], rows["off_list"]["denominator"]) == (5, 6)
    assert rows["refused"]["numerator"] == 2 and rows["refused"]["rate"] == round(100 * 2 / 6, 1)
    by_name = {row["name"]: row for row in figures["children"]}
    assert (by_name["幸福社区"]["total"], by_name["幸福社区"]["on_list"]) == (4, 1)
    assert (by_name["和平社区"]["total"], by_name["和平社区"]["pending"], by_name["和平社区"]["refused"]) == (2, 1, 1)


def test_tasks_registered_outside_the_period_are_not_counted(community):
    since, _until = window()
    figures = task_figures(community("community1"), since=since, until=since)
    assert {row["denominator"] for row in figures["rows"]} == {0} and figures["children"] == []


def test_the_district_dashboard_shows_per_street_the_tasks_off_the_list_and_exports_them(login, community):
    district = community("community1").district
    client = login("district")
    page = client.get(reverse("dashboard", kwargs={"level": "district", "pk": district.pk})).content.decode()
    assert 'data-block="duties"' in page and "本期登记的任务" in page and "建设北街街道" in page
    export = client.get(reverse("dashboard-export", kwargs={"level": "district", "pk": district.pk}))
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content) if export.streaming else export.content))
    sheet = [row for row in book["下派事项准入"].iter_rows(values_only=True) if row]
    assert any("本期登记的任务" in row for row in sheet)
    street = next(row for row in sheet if row[0] == "建设北街街道")
    assert street[1:4] == (5, 1, 4)
