"""The people's-situation map (民情地图): one GeoJSON feature per child with its layer figures, scoped, key-care counts
masked for readers without sensitive data, and a constant number of queries whatever the size of the node."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.dates import day_start, quarter_start
from governance.models import Membership
from governance.roles import Capability
from households.models import Household
from oversight.situation import maps_refresh_all
from resident_requests.lifecycle import OPEN, Status
from resident_requests.models import ResidentRequest
from tests import factories as f
from tests.households.test_visits_and_cards import grid_of
from volunteers.models import HouseholdLink, ReviewStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # District and street maps are cached for five minutes; each test counts its own world.
    cache.clear()


def map_of(api, username: str, level: str, pk: int) -> dict:
    response = api(username).get(reverse("api-map", args=[level, pk]))
    assert response.status_code == 200, response.content
    return response.json()


def expected(child_key: str, children) -> dict:
    """Each child's figures counted row by row in Python, independently of the grouped queries."""
    now = timezone.now()
    quarter = day_start(quarter_start(timezone.localdate()))
    linked = set(HouseholdLink.objects.filter(volunteer__status=ReviewStatus.CONFIRMED).values_list("household_id", flat=True))
    figures = {}
    for child in children:
        households = [h for h in Household.objects.filter(**{child_key: child}) if h.status == Household.Status.ACTIVE]
        requests = [r for r in ResidentRequest.objects.filter(**{child_key: child}) if r.status in OPEN]
        visited = sum(1 for h in households if h.last_visited_at and h.last_visited_at >= quarter)
        figures[child.pk] = {
            "households": len(households),
            "key_care": sum(1 for h in households if h.key_care),
            "open": len(requests),
            "overdue": sum(1 for r in requests if r.stage_deadline and r.stage_deadline < now and r.status != Status.LONG_TERM),
            "coverage": round(100 * visited / len(households), 1) if households else None,
            "linked": sum(1 for h in households if h.pk in linked),
        }
    return figures


def figures_of(data: dict) -> dict:
    keys = ("households", "key_care", "open", "overdue", "coverage", "linked")
    return {feature["id"]: {key: feature["properties"][key] for key in keys} for feature in data["features"]}


def test_a_community_map_has_one_feature_per_grid_with_its_figures(api):
    community = grid_of("grid1").community
    # An overdue request, so that the overdue layer has something to count.
    late = f.ResidentRequestFactory(grid=grid_of("grid2"), status=Status.DISPATCHED)
    ResidentRequest.objects.filter(pk=late.pk).update(stage_deadline=timezone.now() - timezone.timedelta(hours=1))
    data = map_of(api, "community1", "community", community.pk)
    grids = list(community.grids.order_by("code"))
    assert data["child_level"] == "grid" and [feature["id"] for feature in data["features"]] == [grid.pk for grid in grids]
    assert all(feature["geometry"]["type"] in ("Polygon", "MultiPolygon") for feature in data["features"])
    assert figures_of(data) == expected("grid", grids)
    assert figures_of(data)[grid_of("grid2").pk]["overdue"] >= 1
    # Every building of the community with a point is there to tap, with its name.
    assert data["points"]["columns"] == ["id", "lon", "lat", "name"]
    assert sorted(row[0] for row in data["points"]["rows"]) == sorted(b.pk for g in grids for b in g.buildings.all())


def test_a_grid_map_has_its_buildings_as_points_with_their_figures(api):
    grid = grid_of("grid1")
    data = map_of(api, "grid1", "grid", grid.pk)
    buildings = list(grid.buildings.order_by("number"))
    assert [feature["id"] for feature in data["features"]] == [building.pk for building in buildings]
    first = data["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [round(buildings[0].lon, 6), round(buildings[0].lat, 6)]}
    assert figures_of(data) == expected("building", buildings)
    assert data["points"] is None and data["outline"]["type"] in ("Polygon", "MultiPolygon")


def test_the_district_map_shows_streets_and_every_building_point(api, user):
    district = user("district").memberships.get().district
    data = map_of(api, "district", "district", district.pk)
    streets = list(district.streets.order_by("code"))
    assert [feature["id"] for feature in data["features"]] == [street.pk for street in streets]
    expected_figures = expected("grid__street", streets)
    # The district reads no sensitive data: its key-care counts of 1 or 2 are masked.
    for figures in expected_figures.values():
        if 0 < figures["key_care"] < 3:
            figures["key_care"] = "<3"
    assert figures_of(data) == expected_figures
    assert data["points"]["columns"] == ["id", "lon", "lat"]
    assert len(data["points"]["rows"]) == district.grids.filter(buildings__lon__isnull=False).count()


def test_key_care_counts_of_one_or_two_read_as_less_than_three_without_sensitive_data(api, login):
    grid1, grid2, gw0003 = (grid_of(name) for name in ("grid1", "grid2", "gw0003"))
    community = grid1.community
    Household.objects.filter(grid__community=community).update(key_care=False)
    for grid, count in ((grid1, 3), (grid2, 2)):
        Household.objects.filter(pk__in=Household.objects.filter(grid=grid, status="active").order_by("id").values("pk")[:count]).update(key_care=True)
    street = figures_of(map_of(api, "street1", "community", community.pk))
    cadre = figures_of(map_of(api, "community1", "community", community.pk))
    assert (street[grid1.pk]["key_care"], street[grid2.pk]["key_care"], street[gw0003.pk]["key_care"]) == (3, "<3", 0)
    assert (cadre[grid1.pk]["key_care"], cadre[grid2.pk]["key_care"], cadre[gw0003.pk]["key_care"]) == (3, 2, 0)
    # The page's table says the same as the answer.
    body = login("street1").get(reverse("situation-map", args=["community", community.pk])).content.decode()
    assert '<td class="text-end" data-layer="key_care">&lt;3</td>' in body


def test_without_the_ledger_there_is_no_key_care_layer(api, user):
    community = grid_of("grid1").community
    # A volunteer given the figures of the community, but not its ledger.
    Membership.objects.filter(user=user("volunteer1")).update(extra_capabilities=[Capability.VIEW_FIGURES])
    data = map_of(api, "volunteer1", "community", community.pk)
    assert "key_care" not in data["layers"] and data["layers"] == ["open", "overdue", "coverage", "linked"]
    assert all("key_care" not in feature["properties"] for feature in data["features"])


@pytest.mark.parametrize(("reader", "level", "node_of"), [("community2", "community", "grid1"), ("grid2", "grid", "grid1"), ("outsider", "district", "grid1")])
def test_a_node_outside_the_readers_area_answers_404(api, login, reader, level, node_of):
    node = getattr(grid_of(node_of), level) if level != "grid" else grid_of(node_of)
    assert api(reader).get(reverse("api-map", args=[level, node.pk])).status_code == 404
    assert login(reader).get(reverse("situation-map", args=[level, node.pk])).status_code == 404


def test_a_building_has_no_map(login):
    building = grid_of("grid1").buildings.first()
    assert login("district").get(f"/map/building/{building.pk}/").status_code == 404


@pytest.mark.parametrize("level", ["district", "street", "community", "grid"])
def test_the_map_page_answers_at_every_level_with_a_row_per_child(login, level):
    grid = grid_of("grid1")
    node = grid if level == "grid" else getattr(grid, level)
    response = login("district").get(reverse("situation-map", args=[level, node.pk]), {"layer": "overdue"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<tr data-id=") == len(response.context["data"]["features"]) > 0
    assert 'data-layer="overdue" aria-current="true"' in body
    # The way up and back to the dashboard.
    assert reverse("dashboard", args=[level, node.pk]) in body
    if level != "district":
        assert reverse("situation-map", args=["district", grid.district_id]) + "?layer=overdue" in body


def test_every_dashboard_links_to_its_map(login):
    grid = grid_of("grid1")
    for level, node in (("district", grid.district), ("street", grid.street), ("community", grid.community), ("grid", grid)):
        body = login("district").get(reverse("dashboard", args=[level, node.pk])).content.decode()
        assert reverse("situation-map", args=[level, node.pk]) in body


def test_the_map_takes_the_same_queries_for_a_small_and_a_larger_community(api, user, django_assert_num_queries):
    community = grid_of("grid1").community
    client = api("community1")
    url = reverse("api-map", args=["community", community.pk])
    # The caller's memberships, the community, households by grid, open requests by grid, the grids, the building points.
    with django_assert_num_queries(6):
        client.get(url)
    grid = f.GridFactory(community=community, sequence=40)
    for number in range(1, 6):
        building = f.BuildingFactory(grid=grid, number=number)
        for _ in range(3):
            household = f.HouseholdFactory(building=building)
        f.ResidentRequestFactory(grid=grid, building=building, household=household)
    client = api("community1")
    with django_assert_num_queries(6):
        data = client.get(url).json()
    assert figures_of(data)[grid.pk]["households"] == 15 and figures_of(data)[grid.pk]["open"] == 5


def test_the_district_map_counts_as_of_the_five_minute_job(api, user):
    district = user("district").memberships.get().district
    street = grid_of("grid1").street
    before = figures_of(map_of(api, "district", "district", district.pk))[street.pk]["open"]
    f.ResidentRequestFactory(grid=grid_of("grid1"))
    assert figures_of(map_of(api, "district", "district", district.pk))[street.pk]["open"] == before
    maps_refresh_all()
    assert figures_of(map_of(api, "district", "district", district.pk))[street.pk]["open"] == before + 1
    # A community's map is counted live.
    community = figures_of(map_of(api, "community1", "community", grid_of("grid1").community_id))
    assert community[grid_of("grid1").pk]["open"] == len([r for r in ResidentRequest.objects.filter(grid=grid_of("grid1")) if r.status in OPEN])
