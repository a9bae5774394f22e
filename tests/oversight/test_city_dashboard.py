"""The city's dashboard: its districts' figures added up in the database, a row per district opening that district's."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.dates import period_bounds
from governance.roles import Level, Role
from oversight import dashboards
from resident_requests.lifecycle import Status
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_cache():
    cache.clear()


def district_in(city, *, code: str, name: str, households: int = 2, requests=(Status.SUBMITTED, Status.CLOSED)):
    """A district of `city` with one street, community, grid and building, its households and requests."""
    district = f.DistrictFactory(name=name, code=code, city=city)
    street = f.StreetFactory(district=district, name=f"{name}第一街道", code=f"{code}001000")
    community = f.CommunityFactory(street=street, name=f"{name}第一社区", code=f"{code}001001")
    grid = f.GridFactory(community=community, sequence=1)
    building = f.BuildingFactory(grid=grid, number=1)
    homes = [f.HouseholdFactory(building=building, unit=1, floor=floor, room=f"{floor}01") for floor in range(1, households + 1)]
    for status in requests:
        f.ResidentRequestFactory(grid=grid, building=building, household=homes[0], status=status)
    return district


def city_of(user):
    return user("city1").memberships.get().city


def year():
    return period_bounds("year", timezone.localdate())


def test_the_city_figures_are_the_sum_of_its_districts(user):
    city = city_of(user)
    second = district_in(city, code="130105", name="新华区", households=3)
    districts = [user("district").memberships.get().district, second]
    start, end = year()
    total = dashboards.compute(city, start, end)
    parts = [dashboards.compute(district, start, end) for district in districts]
    for key in total["coverage"]:
        assert total["coverage"][key] == sum(part["coverage"][key] for part in parts), key
    for index, row in enumerate(total["rates"]):
        assert (row["numerator"], row["denominator"]) == (
            sum(part["rates"][index]["numerator"] for part in parts),
            sum(part["rates"][index]["denominator"] for part in parts),
        ), row["key"]
    assert sum(row["count"] for row in total["by_status"]) == sum(row["count"] for part in parts for row in part["by_status"])
    for key in ("units", "members", "posts_filled", "wishes_fulfilled"):
        assert total["volunteers"][key] == sum(part["volunteers"][key] for part in parts), key
    assert total["lists"] == {key: sum(part["lists"][key] for part in parts) for key in total["lists"]}
    assert total["ages"] == {key: sum(part["ages"][key] for part in parts) for key in total["ages"]}
    # One row per district, each with the district's own totals.
    assert [(row["level"], row["id"]) for row in total["children"]] == [(Level.DISTRICT, district.pk) for district in sorted(districts, key=lambda d: d.name)]
    for row in total["children"]:
        own = parts[[district.pk for district in districts].index(row["id"])]
        assert row["households"] == own["coverage"]["registered"]
        assert row["requests"] == sum(item["count"] for item in own["by_status"])
    assert total["coverage"]["registered"] > parts[0]["coverage"]["registered"] > 0


def test_a_district_with_nothing_registered_still_has_its_row(user):
    city = city_of(user)
    empty = f.DistrictFactory(name="裕华区", code="130108", city=city)
    children = dashboards.compute(city, *year())["children"]
    assert {"level": Level.DISTRICT, "id": empty.pk, "name": "裕华区", "households": 0, "key_care": 0, "requests": 0, "closed": 0} in children


def test_the_queries_do_not_grow_with_the_districts(django_assert_num_queries):
    city = f.CityFactory(name="承德市", code="130800")
    f.UserFactory(username="city8", role=Role.CITY_ORG, node=city)
    district_in(city, code="130802", name="双桥区")
    start, end = year()
    # Warm the process-wide caches (content types, the calendar) so that both counts are of the figures alone.
    dashboards.compute(city, start, end)
    with CaptureQueriesContext(connection) as one:
        dashboards.compute(city, start, end)
    district_in(city, code="130803", name="双滦区", households=4)
    district_in(city, code="130804", name="鹰手营子矿区", requests=(Status.SUBMITTED,))
    # The same aggregate queries, the rows below grouped by district: as many for three districts as for one.
    with django_assert_num_queries(len(one)):
        data = dashboards.compute(city, start, end)
    assert len(data["children"]) == 3
    assert data["coverage"]["registered"] == 2 + 4 + 2


def test_the_city_lands_on_its_dashboard_and_drills_down_to_a_district(login, user):
    city = city_of(user)
    district = user("district").memberships.get().district
    client = login("city1")
    assert client.get(reverse("dashboard-root"))["Location"] == reverse("dashboard", args=["city", city.pk])
    page = client.get(reverse("dashboard", args=["city", city.pk]), {"period": "year"})
    assert page.status_code == 200
    body = page.content.decode()
    link = reverse("dashboard", args=["district", district.pk]) + "?period=year"
    assert f'href="{link}"' in body
    assert "石家庄市" in body and "长安区" in body
    below = client.get(link)
    assert below.status_code == 200 and below.context["node"] == district
    # The city's workbook has a sheet row per district below it.
    assert client.get(reverse("dashboard-export", args=["city", city.pk])).status_code == 200


def test_the_city_dashboard_is_cached_like_the_others(login, user):
    city = city_of(user)
    start, end = period_bounds("month", timezone.localdate())
    login("city1").get(reverse("dashboard", args=["city", city.pk]))
    assert cache.get(dashboards._key(city, start, end)) is not None
    assert dashboards.dashboards_refresh_all(today=timezone.localdate()) >= 2 * 3


def test_the_api_gives_the_city_the_numbers_of_its_page(api, login, user):
    city = city_of(user)
    page = login("city1").get(reverse("dashboard", args=["city", city.pk]), {"period": "year"}).context["data"]
    body = api("city1").get(f"/api/dashboards/city/{city.pk}/", {"period": "year"}).json()
    assert body["level"] == "city" and body["id"] == city.pk
    assert body["coverage"] == page["coverage"]
    assert [(row["level"], row["id"], row["households"], row["requests"]) for row in body["children"]] == [
        (row["level"], row["id"], row["households"], row["requests"]) for row in page["children"]
    ]
    assert api("district").get(f"/api/dashboards/city/{city.pk}/").status_code == 404
    assert api("outsider").get(f"/api/dashboards/city/{city.pk}/").status_code == 404


def test_coverage_and_the_map_work_at_the_city(login, api, user):
    city = city_of(user)
    client = login("city1")
    coverage = client.get(reverse("coverage", args=["city", city.pk]))
    assert coverage.status_code == 200
    assert [row["id"] for row in coverage.context["rows"]] == [user("district").memberships.get().district_id]
    situation = client.get(reverse("situation-map", args=["city", city.pk]))
    assert situation.status_code == 200
    assert [feature["id"] for feature in situation.context["data"]["features"]] == [user("district").memberships.get().district_id]
    assert api("city1").get(f"/api/map/city/{city.pk}/").status_code == 200
    assert api("city1").get("/api/request-figures/", {"level": "city", "pk": city.pk}).status_code == 200
    assert client.get(reverse("situation-map", args=["city", city.pk + 1000])).status_code == 404


def test_the_duty_overview_of_the_city_has_a_row_per_district(login, user):
    city = city_of(user)
    response = login("city1").get(reverse("duty-overview"), {"period": "year"})
    assert response.status_code == 200 and response.context["node"] == city
    assert [row["id"] for row in response.context["figures"]["children"]] == [user("district").memberships.get().district_id]
