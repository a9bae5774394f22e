"""Household coverage per node, and the pages of coverage and of the people's-situation map keeping their queries constant."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Household
from tests.households.test_visits_and_cards import assert_queries_constant_as_households_grow, grid_of

pytestmark = pytest.mark.django_db


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


def test_map_and_coverage_keep_a_constant_number_of_queries(login, user):
    grid = grid_of("grid1")
    community = grid.community
    client = login("community1")
    urls = [
        reverse("coverage", args=["community", community.pk]),
        reverse("situation-map", args=["community", community.pk]),
        reverse("situation-map", args=["grid", grid.pk]),
    ]
    assert_queries_constant_as_households_grow(client, user("community1"), grid.buildings.first(), urls)
