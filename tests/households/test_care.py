"""Visits due, coverage figures, reminders, heart-link cards, the public card page and the situation map."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import User
from households import services
from households.care import visits_due_notify_all
from households.models import Household
from resident_requests.services.intake import request_submit

pytestmark = pytest.mark.django_db


def grid_of(username):
    return User.objects.get(username=username).memberships.get().grid


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_visits_due_lists_own_grid_only_with_overdue_highlighted(login):
    today = timezone.localdate()
    grid = grid_of("grid1")
    Household.objects.filter(grid=grid).update(next_visit_due=today + dt.timedelta(days=3))
    overdue, due_today = Household.objects.filter(grid=grid, status="active").order_by("id")[:2]
    Household.objects.filter(pk=overdue.pk).update(next_visit_due=today - dt.timedelta(days=5))
    Household.objects.filter(pk=due_today.pk).update(next_visit_due=today)
    response = login("grid1").get(reverse("visits-due"))
    listed = list(response.context["page"].object_list)
    assert listed == [Household.objects.get(pk=overdue.pk), Household.objects.get(pk=due_today.pk)]
    body = response.content.decode()
    assert body.count("list-group-item-danger") == 1
    assert not any(household.grid_id != grid.pk for household in listed)


def independent_coverage(households, today):
    now = timezone.now()
    active = [h for h in households if h.status == "active"]
    return {
        "registered": len(active),
        "visited_30": sum(1 for h in active if h.last_visited_at and h.last_visited_at >= now - dt.timedelta(days=30)),
        "visited_90": sum(1 for h in active if h.last_visited_at and h.last_visited_at >= now - dt.timedelta(days=90)),
        "key_care_total": sum(1 for h in active if h.key_care),
        "key_care_on_time": sum(1 for h in active if h.key_care and h.next_visit_due and h.next_visit_due >= today),
    }


@pytest.mark.parametrize(("username", "level"), [("community1", "community"), ("grid1", "grid")])
def test_coverage_figures_equal_the_records(login, user, username, level):
    membership = user(username).memberships.get()
    node = membership.node
    # A visit now and a household moving out, so the figures have something to move.
    household = Household.objects.filter(**{level: node} if level == "grid" else {"grid__community": node}, status="active").first()
    services.visit_record(actor=user("grid1") if level == "grid" else user("community1"), household=household)
    today = timezone.localdate()
    response = login(username).get(reverse("coverage", args=[level, node.pk]))
    households = list(Household.objects.filter(**{"grid": node} if level == "grid" else {"grid__community": node}))
    figures = response.context["figures"]
    assert {key: figures[key] for key in independent_coverage(households, today)} == independent_coverage(households, today)
    rows = {row["id"]: row for row in response.context["rows"]}
    child_key = "building_id" if level == "grid" else "grid_id"
    for child_id, row in rows.items():
        expected = independent_coverage([h for h in households if getattr(h, child_key) == child_id], today)
        assert {key: row[key] for key in expected} == expected


def test_coverage_of_an_empty_grid_is_zero(login, user):
    from governance.services import node_save
    from grids.models import Grid

    community = user("community1").memberships.get().community
    empty = node_save(actor=user("community1"), instance=Grid(community=community, sequence=77, name="新建空网格"))
    figures = login("community1").get(reverse("coverage", args=["grid", empty.pk])).context["figures"]
    assert figures["registered"] == 0 and figures["visited_30"] == 0 and figures["key_care_total"] == 0


@pytest.mark.parametrize("name", ["coverage", "situation-map"])
def test_community2_gets_404_for_community1(login, user, name):
    community = user("community1").memberships.get().community
    assert login("community2").get(reverse(name, args=["community", community.pk])).status_code == 404


def test_batch_cards_outside_scope_404(login):
    building = grid_of("grid1").buildings.first()
    assert login("grid2").get(reverse("building-cards", args=[building.pk])).status_code == 404


def test_reminders_once_a_day_through_the_channel(outbox, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    Household.objects.filter(grid=grid_of("grid1")).update(next_visit_due=today)
    with django_capture_on_commit_callbacks(execute=True):
        first = visits_due_notify_all(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        second = visits_due_notify_all(today=today)
        call_command("notify_visits_due", "--date", today.isoformat())
    assert first == len(outbox) > 0 and second == 0
    assert [n.key for n in outbox if n.user.username == "grid1"] == [f"visits-due:{today.isoformat()}"]


def test_card_shows_the_grid_worker_and_a_qr_code(login, user):
    household = Household.objects.filter(grid=grid_of("grid1"), status="active").first()
    body = login("grid1").get(reverse("household-card", args=[household.pk])).content.decode()
    worker = user("grid1")
    assert worker.full_name in body and worker.phone in body
    assert "<svg" in body and household.grid.community.name in body


def test_public_card_page_needs_no_login_and_shows_no_household_data(client):
    household = Household.objects.filter(grid=grid_of("grid1"), status="active").select_related("head").first()
    response = client.get(reverse("public-household", args=[household.public_token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert household.head.name not in body and household.phone_masked not in body and household.room not in body
    assert User.objects.get(username="grid1").phone in body
    assert client.get(reverse("public-household", args=["not-a-token"])).status_code == 404


def test_map_colours_buildings_by_key_care_households(login, user):
    grid = grid_of("grid1")
    building = grid.buildings.order_by("number").first()
    Household.objects.filter(building=building).update(key_care=True)
    response = login("grid1").get(reverse("situation-map", args=["grid", grid.pk]))
    tiles = {b.pk: bucket for group in response.context["grids"] for b, bucket in group["buildings"]}
    assert tiles[building.pk] == "many"
    others = Household.objects.filter(grid=grid, status="active", key_care=True).exclude(building=building)
    for other in grid.buildings.exclude(pk=building.pk):
        expected = others.filter(building=other).count()
        assert tiles[other.pk] == ("none" if expected == 0 else "few" if expected <= 2 else "many")


def test_care_pages_keep_a_constant_number_of_queries(login, user):
    grid = grid_of("grid1")
    community = grid.community
    client = login("community1")
    urls = [
        reverse("visits-due"),
        reverse("coverage", args=["community", community.pk]),
        reverse("situation-map", args=["community", community.pk]),
        reverse("building-cards", args=[grid.buildings.first().pk]),
    ]
    before = [count_queries(client, url) for url in urls]
    actor = user("community1")
    building = grid.buildings.first()
    for room in range(1, 6):
        services.household_create(actor=actor, building=building, unit=9, floor=room, room=f"9{room}01")
    assert [count_queries(client, url) for url in urls] == before


def test_the_map_colours_buildings_by_open_requests_too(login):
    from resident_requests.models import Category

    grid = grid_of("grid1")
    building = grid.buildings.order_by("number").last()
    for index in range(3):
        request_submit(source="hotline", category=Category.objects.get(code="other"), description=f"第{index}件待办事项", grid=grid, building=building)
    response = login("grid1").get(reverse("situation-map", args=["grid", grid.pk]) + "?by=requests")
    tiles = {b.pk: (bucket, b.open_count) for group in response.context["grids"] for b, bucket in group["buildings"]}
    assert tiles[building.pk][0] == "many" and tiles[building.pk][1] >= 3
