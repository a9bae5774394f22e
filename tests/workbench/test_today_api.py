"""GET /api/today/: the today page's figures, for grid workers only."""

import pytest
from django.urls import reverse

from grids.models import Patrol

pytestmark = pytest.mark.django_db


def test_the_api_shows_the_same_day_as_the_page(api, login, user):
    grid = user("grid1").memberships.get().grid
    Patrol.objects.create(grid=grid, worker=user("grid1"), started_at="2026-11-01T08:00:00+08:00")
    page = login("grid1").get(reverse("today")).context
    answer = api("grid1").get("/api/today/")
    assert answer.status_code == 200
    today = answer.json()
    assert today["not_visited"] == page["not_visited"]
    assert today["visits_due_count"] == page["due_count"]
    assert [row["id"] for row in today["visits_due"]] == [household.pk for household in page["due"]]
    assert [row["id"] for row in today["requests"]] == [request.pk for request in page["queue"]]
    assert [row["id"] for row in today["notifications"]] == [notification.pk for notification in page["notifications"]]
    assert today["patrol"]["id"] == page["patrol"].pk and today["patrolled_today"] == page["patrolled_today"]
    assert [row["id"] for row in today["grids"]] == [grid.pk]


@pytest.mark.parametrize("persona", ["community1", "district", "volunteer1"])
def test_the_today_summary_is_for_grid_workers(api, persona):
    answer = api(persona).get("/api/today/")
    assert answer.status_code == 403 and set(answer.json()) == {"message", "extra"}
