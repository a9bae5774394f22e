"""The dashboard's 议事协商 block: each figure over its named denominator, at the community and above, on the page and in the workbook."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.dates import period_bounds
from deliberation.models import Meeting, Task
from deliberation.selectors import deliberation_figures
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rows(node, period="month"):
    start, end = period_bounds(period, timezone.localdate())
    return {row["key"]: row for row in deliberation_figures(node, start, end)}


def test_the_figures_count_topics_decisions_tasks_on_time_and_three_party_meetings(user):
    community1 = user("community1").memberships.get().community
    street = community1.street
    rows = _rows(community1)
    # The world: two topics raised this month in community1, one decided and published, its one task not yet due.
    assert (rows["raised"]["numerator"], rows["decided"]["numerator"], rows["decided"]["denominator"]) == (2, 1, 2)
    assert rows["decided"]["denominator_label"] == "期内提出的议题"
    assert rows["published"]["numerator"] == 1
    task = Task.objects.get(topic__community=community1)
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate(), status="done", done_on=timezone.localdate())
    f.MeetingFactory(community=community1, kind=Meeting.Kind.THREE_PARTY, held_on=timezone.localdate())
    rows = _rows(community1)
    assert (rows["tasks_on_time"]["numerator"], rows["tasks_on_time"]["denominator"]) == (1, 1)
    assert (rows["three_party"]["numerator"], rows["three_party"]["denominator"]) == (1, 1)
    # A task done after its due date is counted due but not on time.
    Task.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    if timezone.localdate().day > 1:
        assert (_rows(community1)["tasks_on_time"]["numerator"], _rows(community1)["tasks_on_time"]["denominator"]) == (0, 1)
    # The street counts its communities: one meeting out of (months so far × communities).
    street_rows = _rows(street)
    assert street_rows["raised"]["numerator"] == 3
    assert street_rows["three_party"]["denominator"] == street.communities.count()


def test_the_dashboard_page_and_workbook_show_the_block(login, user):
    community1 = user("community1").memberships.get().community
    client = login("community1")
    page = client.get(reverse("dashboard", args=["community", community1.pk])).content.decode()
    assert 'data-card="deliberation"' in page and "期内提出的议题" in page
    book = load_workbook(io.BytesIO(client.get(reverse("dashboard-export", args=["community", community1.pk])).content))
    rows = list(book["议事协商"].iter_rows(values_only=True))
    assert rows[1][0] == "指标" and rows[1][3] == "统计口径"
    assert any(row[0] == "形成决定的议题" and row[1] == 1 and row[2] == 2 for row in rows)
