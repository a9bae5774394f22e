"""Open311 GeoReport v2 as a city system uses it: discovery, services, partners' posts with keys, reads, in JSON and XML."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from core.personal_data import decrypt
from grids.models import Building
from households.models import Household
from resident_requests.lifecycle import Status
from resident_requests.models import Category, Open311Partner, ResidentRequest, ServiceAttribute
from resident_requests.services.workflow import request_accept, request_dispatch
from tests.factories import ResidentRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("elevator_question")]
SPEC_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible", "service_notice",
    "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def card(index: int = 0) -> Household:
    return Household.objects.filter(status="active").select_related("building", "grid").order_by("id")[index]


def post(client, key: str, fmt: str = "json", origin: str = "", **fields):
    """A spec-shaped POST (form-encoded) with a card; a field given as None is left out."""
    body = {"api_key": key, "service_code": "sanitation-1", "description": "垃圾两天没人清运", "address_id": card().public_token, **fields}
    headers = {"HTTP_ORIGIN": origin} if origin else {}
    return client.post(f"/open311/v2/requests.{fmt}", {name: value for name, value in body.items() if value is not None}, **headers)


def xml(response) -> ET.Element:
    return ET.fromstring(response.content)


def test_discovery_has_the_specs_shape_in_json_and_xml(client):
    body = client.get("/open311/v2/discovery.json").json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2" and endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production" and endpoint["formats"] == ["application/json", "text/xml"]
    root = xml(client.get("/open311/v2/discovery.xml"))
    assert root.tag == "discovery" and root.find("endpoints/endpoint/url").text == "http://testserver/open311/v2/"
    assert [element.text for element in root.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]


def test_services_say_which_ask_questions_and_the_definition_lists_them(client):
    services = {row["service_code"]: row for row in client.get("/open311/v2/services.json").json()}
    assert services["property-1"]["metadata"] is True and services["property-3"]["metadata"] is False
    assert services["property-3"]["service_name"] == "楼道灯" and services["property-3"]["group"] == "物业管理"
    definition = client.get("/open311/v2/services/property-1.json").json()
    fault = definition["attributes"][0]
    assert fault["code"] == "fault" and fault["datatype"] == "singlevaluelist" and fault["variable"] is True and fault["required"] is False
    assert {"key": "stuck", "name": "困人或停在楼层之间"} in fault["values"]
    root = xml(client.get("/open311/v2/services/property-1.xml"))
    assert root.tag == "service_definition" and root.find("attributes/attribute/values/value/key").text == "stuck"
    assert xml(client.get("/open311/v2/services.xml")).find("service/metadata").text in ("true", "false")
    assert client.get("/open311/v2/services/property-3.json").json() == {"service_code": "property-3", "attributes": []}
    assert client.get("/open311/v2/services/nope.json").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_post_without_a_valid_key_answers_403_in_the_errors_format(client, partner_key, fmt):
    for key in (None, "", "o311_not-a-key", "x" * 500):
        response = post(client, key, fmt)
        assert response.status_code == 403
        if fmt == "json":
            assert response.json()[0]["code"] == 403 and "api_key" in response.json()[0]["description"]
        else:
            assert xml(response).find("error/code").text == "403"
    key = partner_key("停用的平台", active=False)
    assert post(client, key, fmt).status_code == 403
    assert not ResidentRequest.objects.filter(description="垃圾两天没人清运").exists()


def test_a_partner_posts_with_a_card_and_the_request_shows_its_channel_link_and_email(client, partner_key, login):
    key = partner_key("红色管家小程序")
    response = post(client, key, phone="13900001111", email="zhang.san@example.cn", media_url="https://img.example.cn/p/1.jpg", first_name="三", last_name="张")
    assert response.status_code == 201
    row = response.json()[0]
    created = ResidentRequest.objects.get(public_id=row["service_request_id"])
    assert created.partner.name == "红色管家小程序" and created.source == ResidentRequest.Source.OPEN311 and created.household == card()
    assert created.tracking_code in row["service_notice"] and row["account_id"] is None
    assert created.reporter_name == "张 三" and created.phone_masked == "139****1111"
    assert created.email_masked == "z***@example.cn" and decrypt(created.email_enc) == "zhang.san@example.cn" and "zhang" not in created.email_enc
    page = login("community1").get(reverse("request-detail", args=[created.pk])).content.decode()
    assert "红色管家小程序" in page and 'href="https://img.example.cn/p/1.jpg" rel="noopener noreferrer nofollow"' in page
    assert "z***@example.cn" in page and "zhang.san" not in page
    item = client.get(f"/open311/v2/requests/{created.public_id}.json").json()[0]
    assert item["media_url"] == "https://img.example.cn/p/1.jpg"


def test_the_post_in_xml_answers_in_xml(client, partner_key):
    response = post(client, partner_key(), "xml")
    assert response.status_code == 201 and response["Content-Type"].startswith("text/xml")
    root = xml(response)
    assert root.tag == "service_requests" and ResidentRequest.objects.filter(public_id=root.find("request/service_request_id").text).exists()


def test_descriptions_up_to_4000_characters_are_kept_whole_and_longer_is_a_400_everywhere(client, partner_key, api, user):
    key = partner_key()
    whole = "楼" * 4000
    response = post(client, key, description=whole)
    assert response.status_code == 201
    assert ResidentRequest.objects.get(public_id=response.json()[0]["service_request_id"]).description == whole
    refused = post(client, key, description=whole + "楼")
    assert refused.status_code == 400 and "4000" in refused.json()[0]["description"]
    grid = user("grid1").memberships.get().grid
    rest = {"category": Category.objects.get(code="hazard-2").pk, "grid": grid.pk}
    assert api("grid1").post("/api/requests/", {**rest, "description": whole}, format="json").status_code == 201
    too_long = api("grid1").post("/api/requests/", {**rest, "description": whole + "楼"}, format="json")
    assert too_long.status_code == 400 and "description" in too_long.json()["extra"]["fields"]


def test_address_string_finds_the_one_building_and_lists_candidates_when_ambiguous(client, partner_key):
    key = partner_key()
    unique = Building.objects.values("address").annotate(n=Count("id")).filter(n=1).exclude(address="").values("address")
    building = Building.objects.filter(address__in=unique).select_related("grid").order_by("id").first()
    created = post(client, key, address_id=None, address_string=f"{building.address}3单元501")
    assert created.status_code == 201, created.content.decode()
    request = ResidentRequest.objects.get(public_id=created.json()[0]["service_request_id"])
    assert request.building == building and request.grid == building.grid and request.household is None
    prefix = building.address[:-4]
    assert Building.objects.filter(address__icontains=prefix).count() > 1
    ambiguous = post(client, key, address_id=None, address_string=prefix)
    assert ambiguous.status_code == 400
    message = ambiguous.json()[0]["description"]
    assert message.startswith("address_string") and building.address in message
    nowhere = post(client, key, address_id=None, address_string="火星大道1号")
    assert nowhere.status_code == 400 and "火星大道1号" in nowhere.json()[0]["description"]


def test_a_location_is_required_and_a_bad_card_is_refused(client, partner_key):
    key = partner_key()
    assert post(client, key, address_id=None).status_code == 400
    assert post(client, key, address_id="not-a-card").status_code == 400
    half = post(client, key, lat="38.04")
    assert half.status_code == 400 and "lat" in half.json()[0]["description"]
    for odd in ("３８.0", "1e2", "nan", "91", "38.0.1"):
        assert post(client, key, lat=odd, long="114.5").status_code == 400, odd


def test_attributes_are_checked_against_the_services_questions_and_shown_on_the_request(client, partner_key, login):
    key = partner_key()
    elevator = {"service_code": "property-1", "description": "3号楼电梯停了一上午"}
    assert post(client, key, **elevator, **{"attribute[fault]": "broken"}).status_code == 400
    assert post(client, key, **elevator, **{"attribute[colour]": "red"}).status_code == 400
    created = post(client, key, **elevator, **{"attribute[fault]": "stuck"})
    assert created.status_code == 201
    request = ResidentRequest.objects.get(public_id=created.json()[0]["service_request_id"])
    assert request.attributes == {"fault": "stuck"}
    assert "困人或停在楼层之间" in login("community1").get(reverse("request-detail", args=[request.pk])).content.decode()
    ServiceAttribute.objects.create(category=request.category, code="floor", description="停在几层？", datatype="number", required=True, order=2)
    missing = post(client, key, **elevator)
    assert missing.status_code == 400 and "attribute[floor]" in missing.json()[0]["description"]
    assert post(client, key, **elevator, **{"attribute[floor]": "七"}).status_code == 400
    assert post(client, key, **elevator, **{"attribute[floor]": "7"}).status_code == 201


def test_a_key_posts_only_to_its_allowed_services(client, partner_key):
    key = partner_key("环卫平台", services=[Category.objects.get(code="sanitation")])
    assert post(client, key, service_code="sanitation-2").status_code == 201
    refused = post(client, key, service_code="property-3")
    assert refused.status_code == 403 and "property-3" in refused.json()[0]["description"]


def test_each_partner_has_its_own_hourly_limit(client, partner_key):
    small, other = partner_key("小平台", hourly_limit=2), partner_key("大平台")
    assert [post(client, small).status_code for _ in range(3)] == [201, 201, 429]
    assert post(client, other).status_code == 201


def test_cors_reads_from_anywhere_posts_only_from_origins_the_key_asked_for(client, partner_key):
    key = partner_key("网页端", cors_origins="https://app.example.cn")
    read = client.get("/open311/v2/services.json", HTTP_ORIGIN="https://anyone.example.org")
    assert read["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/open311/v2/requests.json", HTTP_ORIGIN="https://app.example.cn", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "https://app.example.cn"
    assert "POST" in preflight["Access-Control-Allow-Methods"] and "Idempotency-Key" in preflight["Access-Control-Allow-Headers"]
    elsewhere = client.options("/open311/v2/requests.json", HTTP_ORIGIN="https://evil.example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert elsewhere["Access-Control-Allow-Origin"] == "*" and "POST" not in elsewhere["Access-Control-Allow-Methods"]
    posted = post(client, key, origin="https://app.example.cn")
    assert posted.status_code == 201 and posted["Access-Control-Allow-Origin"] == "https://app.example.cn"
    servers_only = partner_key("后台")
    refused = post(client, servers_only, origin="https://app.example.cn")
    assert refused.status_code == 403 and not refused.has_header("Access-Control-Allow-Origin")


def test_records_carry_every_spec_field_and_private_ones_only_in_scope(client, partner_key, login, new_request):
    key = partner_key("12345测试")
    mine = post(client, key).json()[0]["service_request_id"]
    others = new_request().public_id
    for caller, query in ((client, {}), (client, {"api_key": key})):
        rows = {row["service_request_id"]: row for row in caller.get("/open311/v2/requests.json", {"service_request_id": f"{mine},{others}", **query}).json()}
        assert set(rows[mine]) == set(rows[others]) == SPEC_FIELDS
        assert rows[others]["description"] is None and rows[others]["address_id"] is None and rows[others]["zipcode"] is None
    assert rows[mine]["description"] == "垃圾两天没人清运" and rows[mine]["address_id"] == card().public_token
    anonymous = client.get(f"/open311/v2/requests/{mine}.json").json()[0]
    assert anonymous["description"] is None and anonymous["address_id"] is None
    assert anonymous["address"] == card().building.address and anonymous["agency_responsible"] == card().grid.name
    staff = login("community1").get(f"/open311/v2/requests/{others}.json").json()[0]
    assert staff["description"] and staff["address_id"]
    assert client.get(f"/open311/v2/requests/{mine}.json", {"api_key": "o311_forged"}).status_code == 403
    root = xml(client.get(f"/open311/v2/requests/{mine}.xml"))
    assert {child.tag for child in root.find("request")} == SPEC_FIELDS


def test_status_notes_carry_only_notes_marked_for_the_resident(client, new_request, user, login):
    request = new_request()
    request_accept(resident_request=request, actor=user("community1"), note="内部：先别告诉居民")
    request_dispatch(resident_request=request, actor=user("community1"), handler=user("grid1"), note="已安排网格员上门", public=True)
    anonymous = client.get(f"/open311/v2/requests/{request.public_id}.json").json()[0]
    assert anonymous["status_notes"] == "正在办理"
    staff = login("community1").get(f"/open311/v2/requests/{request.public_id}.json").json()[0]
    assert staff["status_notes"] == "正在办理：已安排网格员上门" and staff["agency_responsible"] == request.grid.name
    assert "先别告诉" not in str(staff) + str(anonymous)


def test_service_request_id_overrides_the_other_filters(client, new_request):
    request = new_request()
    ResidentRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    rows = client.get("/open311/v2/requests.json", {"service_request_id": request.public_id, "status": "closed", "service_code": "other"}).json()
    assert [row["service_request_id"] for row in rows] == [request.public_id]
    assert request.public_id not in {row["service_request_id"] for row in client.get("/open311/v2/requests.json", {"page_size": 200}).json()}


def test_the_window_is_90_days_at_most(client):
    assert client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"}).status_code == 400
    assert client.get("/open311/v2/requests.json", {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"}).status_code == 400
    assert client.get("/open311/v2/requests.json", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-03-31T00:00:00Z"}).status_code == 200
    assert client.get("/open311/v2/requests.json", {"page_size": "201"}).status_code == 400


def test_lists_say_how_many_rows_and_link_the_next_page(client):
    first = client.get("/open311/v2/requests.json", {"page_size": 5})
    total = ResidentRequest.objects.exclude(status=Status.MERGED).filter(created_at__gte=timezone.now() - dt.timedelta(days=90)).count()
    assert total > 10 and first["X-Total-Count"] == str(total) and len(first.json()) == 5
    assert first["Link"] == '<http://testserver/open311/v2/requests.json?page_size=5&page=2>; rel="next"'
    second = client.get("/open311/v2/requests.json", {"page_size": 5, "page": 2})
    assert 'rel="prev"' in second["Link"] and not {row["service_request_id"] for row in first.json()} & {row["service_request_id"] for row in second.json()}
    beyond = client.get("/open311/v2/requests.json", {"page_size": 5, "page": 100000})
    assert beyond.status_code == 200 and beyond.json() == [] and not beyond.has_header("Link")


def test_a_list_page_takes_the_same_queries_however_many_rows(client, login, user, django_assert_num_queries):
    ResidentRequestFactory.create_batch(40, grid=user("grid1").memberships.get().grid)
    # COUNT, then the page with its category, place, household, unit and latest public note.
    with django_assert_num_queries(2):
        assert len(client.get("/open311/v2/requests.json", {"page_size": 40}).json()) == 40
    with django_assert_num_queries(2):
        client.get("/open311/v2/requests.json", {"page_size": 3})
    staff = login("community1")
    staff.get("/open311/v2/requests.json", {"page_size": 3})
    # Plus the session, the user and the scope's memberships.
    with django_assert_num_queries(5):
        staff.get("/open311/v2/requests.json", {"page_size": 200})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_paths_and_methods_answer_in_the_errors_format(client, fmt):
    missing = client.get(f"/open311/v2/nothing-here.{fmt}")
    assert missing.status_code == 404
    wrong = client.delete(f"/open311/v2/requests.{fmt}")
    assert wrong.status_code == 405 and wrong["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert client.post(f"/open311/v2/services.{fmt}").status_code == 405
    for response in (missing, wrong):
        if fmt == "json":
            assert response.json()[0]["code"] == response.status_code
        else:
            assert xml(response).find("error/code").text == str(response.status_code)
    assert client.get("/open311/elsewhere").json()[0]["code"] == 404


def test_the_command_prints_a_new_key_and_the_old_one_stops_working(client, capsys):
    call_command("open311_key", "--partner", "12345 热线")
    first = capsys.readouterr().out.strip()
    assert post(client, first).status_code == 201
    call_command("open311_key", "--partner", "12345 热线")
    second = capsys.readouterr().out.strip()
    assert second != first and post(client, first).status_code == 403 and post(client, second).status_code == 201
    assert Open311Partner.objects.filter(name="12345 热线").count() == 1


def test_the_back_office_shows_a_new_partners_key_once_and_keeps_only_its_digest(login):
    client = login("district")
    response = client.post(
        "/admin/resident_requests/open311partner/add/", {"name": "社区小程序", "hourly_limit": 100, "cors_origins": "", "active": "on"}, follow=True
    )
    assert response.status_code == 200
    key = re.search(r"o311_[A-Za-z0-9_-]{43}", next(str(message) for message in response.context["messages"])).group()
    partner = Open311Partner.objects.get(name="社区小程序")
    assert (
        key.startswith("o311_")
        and partner.key_hash == Open311Partner.digest(key)
        and key not in str(Open311Partner.objects.filter(pk=partner.pk).values().get())
    )
    assert key not in client.get(f"/admin/resident_requests/open311partner/{partner.pk}/change/").content.decode()
    refused = login("community1").post("/admin/resident_requests/open311partner/add/", {"name": "冒名平台", "hourly_limit": 100})
    assert refused.status_code == 403 and not Open311Partner.objects.filter(name="冒名平台").exists()


def test_lat_long_places_the_request_in_the_grid_at_the_nearest_building_and_records_carry_its_point(client, partner_key):
    key = partner_key()
    building = Building.objects.filter(lon__isnull=False).select_related("grid").order_by("id").first()
    created = post(client, key, address_id=None, lat=f"{building.lat + 0.00001:.6f}", long=f"{building.lon:.6f}")
    assert created.status_code == 201, created.content.decode()
    request = ResidentRequest.objects.get(public_id=created.json()[0]["service_request_id"])
    assert request.grid == building.grid and request.building == building and request.household is None
    row = client.get(f"/open311/v2/requests/{request.public_id}.json").json()[0]
    assert (row["lat"], row["long"]) == (building.lat, building.lon)
    # The README's example point, the demo district's centre.
    assert post(client, key, address_id=None, lat="38.0500", long="114.5200").status_code == 201
    outside = post(client, key, address_id=None, lat="39.9", long="116.4")
    assert outside.status_code == 400 and outside.json()[0]["description"].startswith("lat:")


def test_a_card_with_coordinates_of_another_grid_is_refused_and_matching_ones_are_accepted(client, partner_key):
    key = partner_key()
    household = card()
    home = household.building
    elsewhere = Building.objects.filter(lon__isnull=False).exclude(grid=household.grid).order_by("id").first()
    refused = post(client, key, lat=str(elsewhere.lat), long=str(elsewhere.lon))
    assert refused.status_code == 400 and household.grid.name in refused.json()[0]["description"]
    accepted = post(client, key, lat=str(home.lat), long=str(home.lon))
    assert accepted.status_code == 201
    assert ResidentRequest.objects.get(public_id=accepted.json()[0]["service_request_id"]).household == household
