"""Ledger lists answer in a constant number of queries: more households, members and visits add none."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.idcard import check_char
from governance.models import User
from households import services

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


def grow(actor, building, start: int) -> None:
    for index in range(start, start + 6):
        household = services.household_create(
            actor=actor, building=building, unit=7, floor=index % 20 + 1, room=f"7{index:03d}", phone="13600000000", tags=["living_alone"]
        )
        body = f"130107198001{index % 28 + 1:02d}{index:03d}"
        services.resident_create(
            actor=actor, household=household, name=f"新住户{index}", id_number=body + check_char(body), relation="head", tags=["elderly_80"]
        )
        services.visit_record(actor=actor, household=household)


def test_ledger_lists_do_not_grow_with_rows():
    actor = User.objects.get(username="grid1")
    grid = actor.memberships.get().grid
    building = grid.buildings.order_by("number").first()
    household = building.households.filter(status="active").first()
    from django.test import Client

    client = Client()
    client.force_login(actor)
    urls = [
        reverse("household-list"),
        reverse("household-list") + "?tag=living_alone",
        reverse("household-list") + f"?grid={grid.pk}",
        reverse("building-households", args=[building.pk]),
        reverse("household-detail", args=[household.pk]),
        "/api/households/",
        "/api/residents/",
        "/api/visits/",
        reverse("visits-due"),
        "/admin/households/household/",
        "/admin/households/resident/",
    ]
    grow(actor, building, 100)
    before = [count(client, url) for url in urls]
    grow(actor, building, 200)
    grow(actor, building, 300)
    assert [count(client, url) for url in urls] == before


def test_household_page_query_count(django_assert_num_queries):
    from django.test import Client

    actor = User.objects.get(username="grid1")
    household = actor.memberships.get().grid.households.filter(status="active").first()
    client = Client()
    client.force_login(actor)
    # Content types are cached per process; start cold so the count does not depend on test order.
    ContentType.objects.clear_cache()
    # session, user, memberships (scope), household with building/grid/community/head, household tags,
    # members, their tags, the visits page and its count, the two content types, the history entries,
    # the members linking it (1+10), the unread notifications and the requests waiting in the header.
    with django_assert_num_queries(15):
        assert client.get(reverse("household-detail", args=[household.pk])).status_code == 200
