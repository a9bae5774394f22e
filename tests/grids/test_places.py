"""place_locate, GCJ-02 input, outlines derived from the grids, and the demo district's geometry."""

import math

import prcoords
import pytest
import shapely
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from shapely.geometry import Point, shape

from governance.models import Community, District, Street
from grids.models import Building, Grid
from grids.places import OutsideDistrict, distance_m, gcj02_to_wgs84, outline_fields, outline_parse, outlines_derive, place_locate

pytestmark = pytest.mark.django_db


def grid_of(user, username):
    return user(username).memberships.get().grid


def test_a_point_in_a_grid_finds_that_grid_and_its_building_standing_there(user):
    grid = grid_of(user, "grid1")
    building = Building.objects.filter(grid=grid).order_by("number")[2]
    match = place_locate(lon=building.lon, lat=building.lat)
    assert match.grid == grid
    assert match.building == building
    assert match.distance_m == 0


def test_the_nearest_building_of_the_grid_is_named_with_its_distance(user):
    grid = grid_of(user, "grid1")
    building = Building.objects.filter(grid=grid).order_by("number").first()
    # About 11 m north of the building, still inside the grid.
    lat = building.lat + 0.0001
    match = place_locate(lon=building.lon, lat=lat)
    assert match.building == building
    assert match.distance_m == pytest.approx(11.1, abs=0.2)
    others = Building.objects.filter(grid=grid).exclude(pk=building.pk)
    assert all(distance_m(building.lon, lat, other.lon, other.lat) > match.distance_m for other in others)


def test_a_point_in_no_grid_is_outside_the_district_in_plain_chinese():
    with translation.override("zh-hans"), pytest.raises(OutsideDistrict) as refused:
        place_locate(lon=116.39, lat=39.91)
    assert "不在本区范围内" in refused.value.messages[0]
    assert isinstance(refused.value, ValidationError)


def test_a_point_on_the_border_of_two_grids_belongs_to_one_of_them_always_the_same(user):
    grid1, grid2 = grid_of(user, "grid1"), grid_of(user, "grid2")
    # The demo lays a community's grids side by side: grid1's east edge is grid2's west edge.
    assert grid1.max_lon == grid2.min_lon
    lat = (grid1.min_lat + grid1.max_lat) / 2
    assert {place_locate(lon=grid1.max_lon, lat=lat).grid for _ in range(3)} == {grid1}


def test_a_point_on_the_outer_edge_of_the_district_is_inside():
    district = District.objects.get(code="130102")
    west = Grid.objects.filter(district=district).order_by("min_lon", "min_lat").first()
    match = place_locate(lon=west.min_lon, lat=(west.min_lat + west.max_lat) / 2)
    assert match.grid == west
    assert district.min_lon == west.min_lon


def test_a_grid_without_placed_buildings_answers_no_building(user):
    grid = grid_of(user, "grid3")
    Building.objects.filter(grid=grid).update(lon=None, lat=None)
    match = place_locate(lon=(grid.min_lon + grid.max_lon) / 2, lat=(grid.min_lat + grid.max_lat) / 2)
    assert match.grid == grid and match.building is None and match.distance_m is None


def test_the_scoped_variant_sees_only_the_users_grids(user):
    grid2 = grid_of(user, "grid2")
    centre = {"lon": (grid2.min_lon + grid2.max_lon) / 2, "lat": (grid2.min_lat + grid2.max_lat) / 2}
    assert place_locate(**centre, user=user("community1")).grid == grid2
    with pytest.raises(OutsideDistrict):
        place_locate(**centre, user=user("grid1"))


@pytest.mark.parametrize("lon, lat", [(math.nan, 38.0), (114.5, math.inf), (181, 38), (114.5, -91), ("114.5", 38.0), (True, 38.0)])
def test_a_point_that_is_not_one_is_refused(lon, lat):
    with pytest.raises(ValidationError) as refused:
        place_locate(lon=lon, lat=lat)
    assert not isinstance(refused.value, OutsideDistrict)


# Reference pairs (WGS84 lat, lon → GCJ-02 lat, lon) published with eviltransform, the conversion's common reference.
REFERENCE = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # Shenzhen
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]


@pytest.mark.parametrize("wgs, gcj", REFERENCE)
def test_gcj02_points_are_converted_back_to_wgs84_within_a_centimetre(wgs, gcj):
    lon, lat = gcj02_to_wgs84(gcj[1], gcj[0])
    assert distance_m(lon, lat, wgs[1], wgs[0]) < 0.01


def test_gcj02_leaves_points_outside_china_as_they_are():
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_a_gcj02_point_from_a_chinese_map_finds_the_building_there(user):
    building = Building.objects.filter(grid=grid_of(user, "grid1")).order_by("number").first()
    # What 高德 shows for the building: about 500 m off in Shijiazhuang, which would be another grid.
    gcj = prcoords.wgs_gcj(prcoords.Coords(building.lat, building.lon))
    assert distance_m(gcj.lon, gcj.lat, building.lon, building.lat) > 300
    match = place_locate(lon=gcj.lon, lat=gcj.lat, gcj02=True)
    assert match.building == building
    assert match.distance_m < 0.05


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Point", "coordinates": [1, 2]},
        {"type": "Polygon", "coordinates": "x"},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, "a"], [0, 1], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 1], [0, 0]]]},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[0, 0], [1e-9 * i, 1], [1, 1], [0, 0]] for i in range(6000)]},
    ],
)
def test_an_outline_that_is_not_a_valid_polygon_is_refused_with_a_message(geometry):
    with pytest.raises(ValidationError) as refused:
        outline_parse(geometry)
    assert refused.value.messages


def test_communities_streets_and_the_district_are_the_union_of_their_grids_until_one_is_imported(user):
    community = Community.objects.get(pk=user("community1").memberships.get().community_id)
    grids = list(Grid.objects.filter(community=community))
    union = shape(community.geometry)
    assert community.geometry_derived
    assert union.area == pytest.approx(sum(shape(grid.geometry).area for grid in grids))
    # An imported outline is kept when the children change; a derived one follows them.
    imported = outline_fields(union.buffer(0.001))
    Community.objects.filter(pk=community.pk).update(**imported)
    Grid.objects.filter(pk=grids[0].pk).update(**outline_fields(shape(grids[0].geometry).buffer(0.0005)))
    outlines_derive(district_ids=[community.district_id])
    community.refresh_from_db()
    assert community.geometry == imported["geometry"]
    street = Street.objects.get(pk=community.street_id)
    assert shape(street.geometry).covers(shape(Grid.objects.get(pk=grids[0].pk).geometry))


def test_the_demo_gives_every_building_a_point_inside_its_grid_and_grids_tile_their_community():
    grids = {grid.pk: grid for grid in Grid.objects.filter(district__code="130102")}
    assert all(grid.geometry for grid in grids.values())
    for building in Building.objects.filter(grid__in=grids):
        assert building.lon is not None
        assert shape(grids[building.grid_id].geometry).contains(Point(building.lon, building.lat)), building
    for community in Community.objects.filter(district__code="130102"):
        outlines = [shape(grid.geometry) for grid in grids.values() if grid.community_id == community.pk]
        assert shape(community.geometry).equals(shapely.union_all(outlines))
        # Grids of a community do not overlap: their areas add up to the community's.
        assert sum(outline.area for outline in outlines) == pytest.approx(shape(community.geometry).area)
    district = District.objects.get(code="130102")
    assert 114.3 < district.min_lon < district.max_lon < 114.8 and 37.9 < district.min_lat < district.max_lat < 38.2


def test_the_building_page_and_the_back_office_show_its_coordinates(login, user):
    building = Building.objects.filter(grid=grid_of(user, "grid1")).order_by("number").first()
    page = login("grid1").get(reverse("org-node", kwargs={"level": "building", "pk": building.pk}))
    assert f"{building.lon:.6f}, {building.lat:.6f}" in page.content.decode()
    admin = login("district").get(reverse("admin:grids_building_change", args=[building.pk]))
    assert f"{building.lon:.6f}, {building.lat:.6f}" in admin.content.decode()
