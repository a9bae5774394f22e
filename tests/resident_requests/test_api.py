"""The REST API and Open311 GeoReport v2 (JSON and XML)."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache

from households.models import Household
from resident_requests.models import Category, ResidentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def test_api_create_is_idempotent_and_scoped(api, user):
    grid = user("grid1").memberships.get().grid
    client = api("grid1")
    body = {"category": Category.objects.get(code="hazard-2").pk, "description": "楼道里有电动车充电", "grid": grid.pk, "building": 1}
    first = client.post("/api/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    other = user("grid3").memberships.get().grid
    refused = client.post("/api/requests/", {**body, "grid": other.pk}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"message", "extra"}
    assert api("grid2").get(f"/api/requests/{first.json()['id']}/").status_code == 404
    timeline = client.get(f"/api/requests/{first.json()['id']}/timeline/").json()
    assert [entry["action"] for entry in timeline] == ["submit"]


def test_api_list_query_count_is_constant(api, new_request, user, django_assert_num_queries):
    for _ in range(3):
        new_request()
    client = api("community1")
    # user's memberships (scope), COUNT, the page with categories and places.
    with django_assert_num_queries(3):
        count = client.get("/api/requests/").json()["count"]
    assert count == ResidentRequest.objects.filter(grid__community=user("community1").memberships.get().community).count()


def test_open311_services_in_json_and_xml(client):
    services_json = client.get("/open311/v2/services.json").json()
    assert {"service_code": "property-3", "service_name": "楼道灯"}.items() <= next(s for s in services_json if s["service_code"] == "property-3").items()
    root = ET.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and root.find("service/service_code") is not None
    assert client.get("/open311/v2/services/property-3.json").json() == {"service_code": "property-3", "attributes": []}
    assert client.get("/open311/v2/services/nope.json").status_code == 404


def test_open311_post_and_get_requests(client, new_request):
    household = Household.objects.filter(status="active").first()
    response = client.post(
        "/open311/v2/requests.json",
        {"service_code": "sanitation-1", "description": "垃圾两天没人清运", "address_id": household.public_token, "phone": "13900001111"},
    )
    assert response.status_code == 201
    code = response.json()[0]["service_request_id"]
    created = ResidentRequest.objects.get(public_id=code)
    assert created.household == household and created.phone_masked == "139****1111"
    assert created.tracking_code in response.json()[0]["service_notice"]
    item = client.get(f"/open311/v2/requests/{code}.json").json()[0]
    assert item["status"] == "open" and item["service_code"] == "sanitation-1" and item["expected_datetime"]
    assert "description" not in item and "13900001111" not in str(item)
    root = ET.fromstring(client.get(f"/open311/v2/requests/{code}.xml").content)
    assert root.tag == "service_requests" and root.find("request/status").text == "open"
    listed = client.get("/open311/v2/requests.json", {"service_code": "sanitation", "status": "open", "page_size": 5}).json()
    assert code in {row["service_request_id"] for row in listed}
    assert client.get("/open311/v2/requests.json", {"start_date": "yesterday"}).status_code == 400


def test_open311_post_needs_a_card_code(client):
    response = client.post("/open311/v2/requests.xml", {"service_code": "other", "description": "测试一下"})
    assert response.status_code == 400
    assert ET.fromstring(response.content).find("error/code").text == "400"


def test_open311_shows_descriptions_only_inside_the_callers_scope(client, login, new_request):
    request = new_request()
    assert "description" in login("community1").get(f"/open311/v2/requests/{request.public_id}.json").json()[0]
    assert "description" not in login("community2").get(f"/open311/v2/requests/{request.public_id}.json").json()[0]


def test_the_whole_loop_through_the_api(api, new_request, user):
    request = new_request()
    cadre, worker = api("community1"), api("grid1")
    assert cadre.get(f"/api/requests/{request.pk}/act/").json()["actions"] == ["accept", "refuse", "merge", "withdraw"]
    assert worker.post(f"/api/requests/{request.pk}/act/", {"action": "accept"}, format="json").status_code == 403
    cadre.post(f"/api/requests/{request.pk}/act/", {"action": "accept"}, format="json")
    cadre.post(f"/api/requests/{request.pk}/act/", {"action": "dispatch", "handler": user("grid1").pk}, format="json")
    worker.post(f"/api/requests/{request.pk}/act/", {"action": "take"}, format="json")
    refused = worker.post(f"/api/requests/{request.pk}/act/", {"action": "handle", "note": ""}, format="json")
    assert refused.status_code == 400 and set(refused.json()) == {"message", "extra"}
    worker.post(f"/api/requests/{request.pk}/act/", {"action": "handle", "note": "已修好"}, format="json")
    cadre.post(f"/api/requests/{request.pk}/act/", {"action": "verify", "passed": "1"}, format="json")
    cadre.post(f"/api/requests/{request.pk}/act/", {"action": "answer", "note": "已修好，请查看"}, format="json")
    closed = cadre.post(f"/api/requests/{request.pk}/act/", {"action": "follow_up", "rating": 5}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_open311_posts_over_the_hourly_limit_per_address_answer_429(client):
    household = Household.objects.filter(status="active").first()
    post = {"service_code": "sanitation-1", "description": "垃圾两天没人清运", "address_id": household.public_token}
    for _ in range(10):
        assert client.post("/open311/v2/requests.json", post, REMOTE_ADDR="10.3.1.1").status_code == 201
    refused = client.post("/open311/v2/requests.json", post, REMOTE_ADDR="10.3.1.1")
    assert refused.status_code == 429 and refused.json()[0]["code"] == 429
    assert client.post("/open311/v2/requests.json", post, REMOTE_ADDR="10.3.1.2").status_code == 201
