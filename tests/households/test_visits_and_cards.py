"""Visits due, reminders, heart-link cards and the public card page."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import User
from households import services
from households.models import Household
from households.reminders import visits_due_notify_all

pytestmark = pytest.mark.django_db


def grid_of(username):
    return User.objects.get(username=username).memberships.get().grid


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def assert_queries_constant_as_households_grow(client, actor, building, urls) -> None:
    before = [count_queries(client, url) for url in urls]
    for room in range(1, 6):
        services.household_create(actor=actor, building=building, unit=9, floor=room, room=f"9{room}01")
    assert [count_queries(client, url) for url in urls] == before


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


def test_visit_and_card_pages_keep_a_constant_number_of_queries(login, user):
    grid = grid_of("grid1")
    client = login("community1")
    urls = [
        reverse("visits-due"),
        reverse("building-cards", args=[grid.buildings.first().pk]),
    ]
    assert_queries_constant_as_households_grow(client, user("community1"), grid.buildings.first(), urls)


def test_card_qr_codes_carry_the_configured_public_address(login, user, settings):
    settings.PUBLIC_BASE_URL = "https://grid.example.gov.cn/"
    household = Household.objects.filter(grid=user("grid1").memberships.get().grid, status="active").first()
    body = login("grid1").get(reverse("household-card", args=[household.pk])).content.decode()
    assert f"https://grid.example.gov.cn/r/{household.public_token}/" in body and "testserver" not in body
