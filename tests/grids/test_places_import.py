"""GeoJSON import: command and back-office upload, all features or none, each problem listed by feature number."""

import json

import prcoords
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from shapely.geometry import shape

from governance.models import AuditEntry, City, Community, District, User
from governance.services import node_delete, node_save
from grids import places_import as importer
from grids.models import Building, Grid
from grids.places import city_outlines_derive, outline_fields
from grids.places_import import places_import
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def square(west, south, size=0.002):
    return {"type": "Polygon", "coordinates": [[[west, south], [west + size, south], [west + size, south + size], [west, south + size], [west, south]]]}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def outline(code, geometry):
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def point(lon, lat, **properties):
    return {"type": "Feature", "properties": properties, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def upload(data, name="places.geojson"):
    content = data if isinstance(data, bytes) else json.dumps(data).encode()
    return SimpleUploadedFile(name, content, content_type="application/geo+json")


@pytest.fixture
def grid1(user):
    return user("grid1").memberships.get().grid


def test_a_file_moves_a_grid_and_its_building_and_the_community_follows(user, grid1):
    building = Building.objects.filter(grid=grid1).order_by("number").first()
    new = square(114.40, 38.10)
    result = places_import(
        actor=user("community1"),
        collection=collection(outline(grid1.code, new), point(114.401, 38.101, grid=grid1.code, number=building.number)),
        file_name="grid1.geojson",
    )
    assert result.ok, result.problems
    assert result.counts["grid"] == 1 and result.counts["building"] == 1
    grid1.refresh_from_db()
    building.refresh_from_db()
    assert (grid1.min_lon, grid1.min_lat) == (114.40, 38.10) and not grid1.geometry_derived
    assert (building.lon, building.lat) == (114.401, 38.101)
    community = Community.objects.get(pk=grid1.community_id)
    assert shape(community.geometry).covers(shape(new))
    entry = AuditEntry.objects.filter(changes__places_import__1="grid1.geojson").get()
    assert entry.actor == user("community1") and entry.grid_id == grid1.pk


def test_one_bad_feature_and_nothing_is_written_with_every_problem_listed(user, grid1):
    building = Building.objects.filter(grid=grid1).order_by("number").first()
    before = (Grid.objects.get(pk=grid1.pk).geometry, Building.objects.get(pk=building.pk).lon)
    features = [
        outline(grid1.code, square(114.40, 38.10)),  # 1: good
        point(114.401, 38.101, grid=grid1.code, number=building.number),  # 2: good
        outline("999999999999999", square(114.5, 38.0)),  # 3: no such grid
        point(114.9, 38.9, grid=grid1.code, number=building.number + 1),  # 4: outside the grid's new outline
        {
            "type": "Feature",
            "properties": {"code": grid1.code},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        },  # 5
        point(114.401, 38.101, grid=grid1.code, number=building.number),  # 6: given twice
        "nonsense",  # 7
        point(114.401, 38.101, grid="1301", number=1),  # 8: not a grid code
    ]
    result = places_import(actor=user("community1"), collection=collection(*features))
    assert not result.ok
    assert [number for number, _problem in result.problems] == [3, 4, 5, 6, 7, 8]
    assert (Grid.objects.get(pk=grid1.pk).geometry, Building.objects.get(pk=building.pk).lon) == before
    assert not AuditEntry.objects.filter(changes__has_key="places_import").exists()


def test_nodes_outside_the_users_area_read_as_missing(user, grid1):
    elsewhere = places_import(actor=user("community2"), collection=collection(outline(grid1.code, square(114.4, 38.1))))
    missing = places_import(actor=user("community2"), collection=collection(outline("130102999999999", square(114.4, 38.1))))
    assert elsewhere.problems[0][1].replace(grid1.code, "X") == missing.problems[0][1].replace("130102999999999", "X")
    assert Grid.objects.get(pk=grid1.pk).min_lon != 114.4


def test_gcj02_files_are_converted_to_wgs84(grid1):
    building = Building.objects.filter(grid=grid1).order_by("number").first()
    lon, lat = building.lon, building.lat + 0.00005
    gcj = prcoords.wgs_gcj(prcoords.Coords(lat, lon))
    result = places_import(actor=None, collection=collection(point(gcj.lon, gcj.lat, building_id=building.pk)), gcj02=True)
    assert result.ok, result.problems
    building.refresh_from_db()
    assert building.lon == pytest.approx(lon, abs=1e-7) and building.lat == pytest.approx(lat, abs=1e-7)


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"type": "FeatureCollection", "features": []}',
        b"[" * 100000,
        b'{"type": "FeatureCollection", "features": [NaN]}',
    ],
)
def test_a_file_that_is_not_geojson_is_refused_with_a_message(content):
    with pytest.raises(ValidationError):
        importer.places_read(upload(content))


def test_the_upload_page_lists_problems_and_imports_nothing(login, grid1):
    client = login("district")
    url = reverse("admin:grids_places_import")
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": upload(collection(outline("999999999999999", square(114.5, 38.0))))})
    assert page.status_code == 200
    assert "999999999999999" in page.content.decode()


def test_the_upload_page_imports_a_good_file(login, grid1):
    client = login("district")
    answer = client.post(reverse("admin:grids_places_import"), {"file": upload(collection(outline(grid1.code, square(114.4, 38.1))))})
    assert answer.status_code == 302
    assert Grid.objects.get(pk=grid1.pk).min_lon == 114.4


@pytest.mark.parametrize("content", [b"{not json", b"[" * 100000, b"\x00" * 10])
def test_the_upload_page_answers_bad_json_with_a_message_not_a_500(login, content):
    page = login("district").post(reverse("admin:grids_places_import"), {"file": upload(content)})
    assert page.status_code == 200
    assert "GeoJSON" in page.content.decode()


def test_an_oversized_upload_is_refused_before_it_is_parsed(login, monkeypatch):
    monkeypatch.setattr(importer, "MAX_BYTES", 100)
    # Not JSON either: the answer speaks of the size, so the size was checked before any parsing.
    page = login("district").post(reverse("admin:grids_places_import"), {"file": upload(b"{" + b" " * 100)})
    assert page.status_code == 200
    content = page.content.decode()
    assert "文件超过" in content and "不是有效的" not in content


def test_the_upload_page_is_for_those_who_manage_the_hierarchy(login):
    assert login("grid1").get(reverse("admin:grids_places_import")).status_code == 403


def test_the_command_imports_a_file_and_refuses_a_bad_one(tmp_path, grid1):
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps(collection(outline(grid1.code, square(114.4, 38.1)))))
    call_command("import_places", str(good))
    assert Grid.objects.get(pk=grid1.pk).min_lon == 114.4
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps(collection(outline(grid1.code, square(114.6, 38.1)), outline("130102999999999", square(114.5, 38.0)))))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_places", str(bad))
    assert Grid.objects.get(pk=grid1.pk).min_lon == 114.4


def test_a_city_outline_is_imported_by_its_code_ending_00_and_only_by_the_city(user, login):
    city = City.objects.get(code="130100")
    refused = places_import(actor=user("district"), collection=collection(outline(city.code, square(114.3, 37.9, size=0.5))))
    assert refused.problems == [(1, "您负责的区域内没有代码为 130100 的市。")]
    answer = login("city1").post(reverse("admin:grids_places_import"), {"file": upload(collection(outline(city.code, square(114.3, 37.9, size=0.5))))})
    assert answer.status_code == 302
    city.refresh_from_db()
    assert (city.min_lon, city.min_lat, city.max_lon) == (114.3, 37.9, 114.8) and not city.geometry_derived
    entry = AuditEntry.objects.filter(changes__places_import__1="places.geojson").get()
    assert (entry.actor, entry.city_id, entry.district_id, entry.changes["city"]) == (user("city1"), city.pk, None, [None, 1])


def test_a_city_without_an_outline_follows_its_districts_until_one_is_imported(user):
    city = City.objects.get(code="130100")
    district = District.objects.get(code="130102")
    assert city.geometry_derived and shape(city.geometry).equals(shape(district.geometry))
    moved = square(114.0, 37.5, size=1.0)
    assert places_import(actor=user("city1"), collection=collection(outline(district.code, moved))).ok
    city.refresh_from_db()
    assert city.geometry_derived and shape(city.geometry).equals(shape(moved))
    imported = square(113.9, 37.4, size=1.2)
    assert places_import(actor=user("city1"), collection=collection(outline(city.code, imported))).ok
    assert places_import(actor=user("district"), collection=collection(outline(district.code, square(114.1, 37.6)))).ok
    city.refresh_from_db()
    assert not city.geometry_derived and shape(city.geometry).equals(shape(imported))


def test_a_district_joining_a_city_widens_the_citys_derived_outline(user):
    city = City.objects.get(code="130100")
    outside = District.objects.get(code="130104")
    District.objects.filter(pk=outside.pk).update(**outline_fields(shape(square(115.0, 38.5))))
    outside.refresh_from_db()
    outside.city = city
    node_save(actor=User.objects.create_superuser("root-citygaps", password=PASSWORD), instance=outside)
    city.refresh_from_db()
    assert shape(city.geometry).covers(shape(outside.geometry)) and city.geometry_derived


def test_deleting_a_district_narrows_the_citys_derived_outline_and_the_last_one_clears_it(user):
    city = City.objects.get(code="130100")
    root = User.objects.create_superuser("root-citydelete", password=PASSWORD)
    district = District.objects.get(code="130102")
    empty = District.objects.create(city=city, name="新华区", code="130105", **outline_fields(shape(square(116.0, 39.0))))
    city_outlines_derive(city_ids=[city.pk])
    city.refresh_from_db()
    assert shape(city.geometry).covers(shape(empty.geometry))
    node_delete(actor=root, instance=empty)
    city.refresh_from_db()
    assert city.geometry_derived and shape(city.geometry).equals(shape(district.geometry))
    # Its last outlined district loses its outline: the city has none rather than a stale one.
    District.objects.filter(pk=district.pk).update(geometry=None, geometry_derived=False, min_lon=None, min_lat=None, max_lon=None, max_lat=None)
    city_outlines_derive(city_ids=[city.pk])
    city.refresh_from_db()
    assert city.geometry is None and city.min_lon is None and not city.geometry_derived
