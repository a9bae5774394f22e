"""Patrols over the API: listed in scope, started and ended by the grid worker through the page's services."""

import pytest

from governance.models import AuditEntry
from grids.models import Patrol

pytestmark = pytest.mark.django_db


def grid_of(user, name):
    return user(name).memberships.get().grid


def test_a_grid_worker_starts_and_ends_a_patrol(api, user):
    client = api("grid1")
    grid = grid_of(user, "grid1")
    started = client.post("/api/patrols/", {"grid": grid.pk}, format="json")
    assert started.status_code == 201 and started.json()["grid"] == grid.pk and started.json()["ended_at"] is None
    again = client.post("/api/patrols/", {"grid": grid.pk}, format="json")
    assert again.status_code == 400 and Patrol.objects.filter(worker=user("grid1"), ended_at__isnull=True).count() == 1
    ended = client.post(f"/api/patrols/{started.json()['id']}/end/", {"notes": "3号楼楼道堆放杂物"}, format="json")
    assert ended.status_code == 200 and ended.json()["notes"] == "3号楼楼道堆放杂物" and ended.json()["ended_at"]
    assert client.post(f"/api/patrols/{started.json()['id']}/end/", {}, format="json").status_code == 400
    assert AuditEntry.objects.filter(actor=user("grid1"), object_id=str(started.json()["id"])).count() == 2


@pytest.mark.parametrize("grid", ["other", "abc", None, [1], 99999999, "１"])
def test_a_patrol_of_someone_elses_or_a_junk_grid_is_a_400(api, user, grid):
    if grid == "other":
        grid = grid_of(user, "grid3").pk
    before = Patrol.objects.filter(worker=user("grid1")).count()
    answer = api("grid1").post("/api/patrols/", {"grid": grid}, format="json")
    assert answer.status_code == 400 and "grid" in answer.json()["extra"]["fields"]
    assert Patrol.objects.filter(worker=user("grid1")).count() == before


def test_a_non_object_body_is_a_400(api):
    assert api("grid1").post("/api/patrols/", [1, 2], format="json").status_code == 400


def test_only_who_started_a_patrol_ends_it_and_outside_the_area_it_is_404(api, user):
    patrol = Patrol.objects.create(grid=grid_of(user, "grid1"), worker=user("grid1"), started_at="2026-11-01T08:00:00+08:00")
    # community1 sees the patrol (its grid) but did not start it.
    assert api("community1").post(f"/api/patrols/{patrol.pk}/end/", {}, format="json").status_code == 403
    # grid3 works in another community: the patrol is not in its area.
    assert api("grid3").post(f"/api/patrols/{patrol.pk}/end/", {}, format="json").status_code == 404
    patrol.refresh_from_db()
    assert patrol.ended_at is None


def test_the_list_is_scoped_filtered_and_in_constant_queries(api, user, django_assert_num_queries):
    mine = Patrol.objects.create(
        grid=grid_of(user, "grid1"), worker=user("grid1"), started_at="2026-11-01T08:00:00+08:00", ended_at="2026-11-01T09:00:00+08:00"
    )
    elsewhere = Patrol.objects.create(grid=grid_of(user, "grid3"), worker=user("grid3"), started_at="2026-11-01T08:00:00+08:00")
    ids = {row["id"] for row in api("community1").get("/api/patrols/").json()["results"]}
    assert mine.pk in ids and elsewhere.pk not in ids
    ended = {row["id"] for row in api("community1").get("/api/patrols/", {"under_way": "false"}).json()["results"]}
    assert mine.pk in ended and elsewhere.pk not in ended
    assert api("volunteer1").get("/api/patrols/").json()["count"] == 0
    assert api("community1").get("/api/patrols/", {"started_at__gte": "not-a-date"}).status_code == 400
    client = api("district")
    # The caller's memberships, COUNT, then the page's rows with their grid and worker.
    with django_assert_num_queries(3):
        client.get("/api/patrols/")
    Patrol.objects.bulk_create(
        Patrol(grid=grid_of(user, "grid2"), worker=user("grid1"), started_at=f"2026-10-{day:02d}T08:00:00+08:00", ended_at=f"2026-10-{day:02d}T09:00:00+08:00")
        for day in range(1, 11)
    )
    client = api("district")
    with django_assert_num_queries(3):
        client.get("/api/patrols/")
