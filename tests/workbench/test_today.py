"""The grid worker's day: the today page and the daily patrol."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import User
from grids.models import Patrol
from households.models import Household

pytestmark = pytest.mark.django_db


def test_today_shows_the_grid_workers_day(login):
    response = login("grid1").get(reverse("today"))
    assert response.status_code == 200
    grid = User.objects.get(username="grid1").memberships.get().grid
    year_start = timezone.localtime().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    expected = Household.objects.filter(grid=grid, status="active").exclude(last_visited_at__gte=year_start).count()
    assert response.context["not_visited"] == expected
    assert all(h.grid_id == grid.pk for h in response.context["due"])
    assert login("community1").get(reverse("today")).status_code == 403


def test_a_patrol_starts_once_and_ends_with_notes(login):
    client = login("grid1")
    grid = User.objects.get(username="grid1").memberships.get().grid
    before = Patrol.objects.filter(worker__username="grid1").count()
    client.post(reverse("patrol-start"), {"grid": grid.pk})
    client.post(reverse("patrol-start"), {"grid": grid.pk})
    patrol = Patrol.objects.get(worker__username="grid1", ended_at__isnull=True)
    assert Patrol.objects.filter(worker__username="grid1").count() == before + 1
    client.post(reverse("patrol-end", args=[patrol.pk]), {"notes": "3号楼楼道堆放杂物"})
    patrol.refresh_from_db()
    assert patrol.ended_at and patrol.notes == "3号楼楼道堆放杂物"
    other = User.objects.get(username="grid3").memberships.get().grid
    assert client.post(reverse("patrol-start"), {"grid": other.pk}).status_code == 403


def test_today_keeps_a_constant_number_of_queries(login):
    from households import services

    client = login("grid1")
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("today"))
    grid1 = User.objects.get(username="grid1")
    building = grid1.memberships.get().grid.buildings.first()
    for index in range(5):
        services.household_create(actor=grid1, building=building, unit=9, floor=index + 1, room=f"99{index}")
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("today"))
    assert len(after) == len(before)


def test_the_a_person_sees_their_bookings_on_today(login):
    from community_services.models import Booking

    booking = Booking.objects.filter(assignee__username="grid1", status=Booking.Status.BOOKED).first()
    assert booking is not None
    page = login("grid1").get(reverse("today")).content.decode()
    assert reverse("service-booking", args=[booking.pk]) in page and booking.service.name in page
