"""GET /api/places/ (GeoJSON of the caller's area) and GET /api/places/locate/."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from grids.models import Building, Grid

pytestmark = pytest.mark.django_db


def grid_of(user, username):
    return user(username).memberships.get().grid


def test_a_grid_worker_gets_the_outline_of_their_grid_only(api, user):
    answer = api("grid1").get("/api/places/", {"level": "grid"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["type"] == "FeatureCollection" and body["count"] == 1
    feature = body["features"][0]
    assert feature["id"] == grid_of(user, "grid1").pk
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["code"] == grid_of(user, "grid1").code


def test_building_points_of_the_callers_area_with_their_grid(api, user):
    grid = grid_of(user, "grid1")
    body = api("grid1").get("/api/places/", {"level": "building", "page_size": 200}).json()
    assert body["count"] == Building.objects.filter(grid=grid).count()
    first = body["features"][0]
    building = Building.objects.get(pk=first["id"])
    assert first["geometry"] == {"type": "Point", "coordinates": [building.lon, building.lat]}
    assert first["properties"]["grid_code"] == grid.code


def test_the_district_sees_every_level_and_can_narrow_to_a_community(api, user):
    client = api("district")
    assert client.get("/api/places/", {"level": "district"}).json()["count"] == 1
    assert client.get("/api/places/", {"level": "street"}).json()["count"] == 2
    community = user("community1").memberships.get().community
    body = client.get("/api/places/", {"level": "grid", "community": community.pk}).json()
    assert {feature["id"] for feature in body["features"]} == set(Grid.objects.filter(community=community).values_list("pk", flat=True))


def test_someone_elsewhere_gets_none_of_the_district_and_cannot_name_its_nodes(api, user):
    client = api("outsider")
    body = client.get("/api/places/", {"level": "building", "page_size": 200}).json()
    assert not Building.objects.filter(pk__in=[feature["id"] for feature in body["features"]], grid__district__code="130102").exists()
    answer = client.get("/api/places/", {"level": "building", "grid": grid_of(user, "grid1").pk})
    assert answer.status_code == 400
    assert "grid" in answer.json()["extra"]["fields"]


def test_a_neighbouring_grid_is_refused_like_a_missing_one(api, user):
    client = api("grid1")
    neighbour = client.get("/api/places/", {"level": "building", "grid": grid_of(user, "grid2").pk})
    missing = client.get("/api/places/", {"level": "building", "grid": 999999})
    assert neighbour.status_code == missing.status_code == 400
    assert neighbour.json() == missing.json()


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "level"),
        ({"level": "planet"}, "level"),
        ({"level": "grid", "grid": "abc"}, "grid"),
        ({"level": "community", "grid": "1"}, "grid"),
        ({"level": "grid", "page_size": "100000"}, "page_size"),
    ],
)
def test_bad_list_parameters_answer_400_naming_them(api, params, field):
    answer = api("district").get("/api/places/", params)
    assert answer.status_code == 400
    assert field in answer.json()["extra"]["fields"]


def test_the_places_list_takes_the_same_queries_for_one_feature_or_a_page(api, django_assert_num_queries):
    street = Grid.objects.filter(district__code="130102").first().street_id
    first, second = api("district"), api("district")
    # Memberships (scope), the filter node's existence, the count, the page.
    with django_assert_num_queries(4):
        small = first.get("/api/places/", {"level": "building", "street": street, "page_size": 1})
    with django_assert_num_queries(4):
        large = second.get("/api/places/", {"level": "building", "street": street, "page_size": 200})
    assert len(small.json()["features"]) == 1 and len(large.json()["features"]) == Building.objects.filter(grid__street_id=street).count() > 10


def test_locate_answers_the_grid_and_the_nearest_building(api, user):
    building = Building.objects.filter(grid=grid_of(user, "grid1")).order_by("number").first()
    answer = api("grid1").get("/api/places/locate/", {"lon": f"{building.lon:.7f}", "lat": f"{building.lat:.7f}"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["grid"]["id"] == building.grid_id and body["grid"]["code"] == grid_of(user, "grid1").code
    assert body["building"] == {"id": building.pk, "name": building.name, "number": building.number}
    assert body["distance_m"] < 0.1


def test_locate_outside_the_callers_area_is_a_400_that_says_so(api, user):
    grid2 = grid_of(user, "grid2")
    centre = {"lon": f"{(grid2.min_lon + grid2.max_lon) / 2:.6f}", "lat": f"{(grid2.min_lat + grid2.max_lat) / 2:.6f}"}
    answer = api("grid1").get("/api/places/locate/", centre, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400
    assert "不在" in answer.json()["message"]
    assert api("community1").get("/api/places/locate/", centre).json()["grid"]["id"] == grid2.pk


@pytest.mark.parametrize(
    "params, field",
    [
        ({"lat": "38.05"}, "lon"),
        ({"lon": "abc", "lat": "38.05"}, "lon"),
        ({"lon": "nan", "lat": "38.05"}, "lon"),
        ({"lon": "1e2", "lat": "38.05"}, "lon"),
        ({"lon": "１１４.５", "lat": "38.05"}, "lon"),
        ({"lon": "114.5", "lat": "91"}, "lat"),
        ({"lon": "114.5", "lat": "38.05", "gcj02": "maybe"}, "gcj02"),
    ],
)
def test_bad_coordinates_answer_400_naming_the_parameter(api, params, field):
    answer = api("grid1").get("/api/places/locate/", params)
    assert answer.status_code == 400
    assert list(answer.json()["extra"]["fields"]) == [field]


def test_places_need_a_login(api):
    assert api(None).get("/api/places/", {"level": "grid"}).status_code in (401, 403)
    assert api(None).get("/api/places/locate/", {"lon": "114.5", "lat": "38"}).status_code in (401, 403)


def test_the_schema_documents_both_operations_their_parameters_and_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    listing = schema["paths"]["/api/places/"]["get"]
    assert {parameter["name"] for parameter in listing["parameters"]} >= {"level", "street", "community", "grid", "page", "page_size"}
    assert {"200", "400"} <= set(listing["responses"])
    locate = schema["paths"]["/api/places/locate/"]["get"]
    assert {parameter["name"] for parameter in locate["parameters"]} == {"lon", "lat", "gcj02"}
    assert {"200", "400"} <= set(locate["responses"])


def test_the_city_gets_its_outline_derived_from_its_districts(api, user):
    body = api("city1").get("/api/places/", {"level": "city"}).json()
    city = user("city1").memberships.get().city
    assert [(feature["id"], feature["properties"]["derived"]) for feature in body["features"]] == [(city.pk, True)]
    district = api("city1").get("/api/places/", {"level": "district"}).json()["features"][0]
    assert body["features"][0]["geometry"] == district["geometry"]
    assert api("district").get("/api/places/", {"level": "city"}).json()["count"] == 0
