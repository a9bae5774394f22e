"""The REST API (Open311 is in test_open311.py)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from governance.models import Community, ResidentUnit
from resident_requests.actions import ACTIONS
from resident_requests.lifecycle import RequestAction, Status
from resident_requests.models import Category, ResidentRequest
from tests import factories as f

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
    timeline = client.get(f"/api/requests/{first.json()['id']}/timeline/").json()["results"]
    assert [entry["action"] for entry in timeline] == ["submit"]


def test_api_list_query_count_is_constant(api, new_request, user, django_assert_num_queries):
    for _ in range(3):
        new_request()
    client = api("community1")
    # user's memberships (scope), requests handed to them outside it, COUNT, the page with categories and places.
    with django_assert_num_queries(4):
        count = client.get("/api/requests/").json()["count"]
    assert count == ResidentRequest.objects.filter(grid__community=user("community1").memberships.get().community).count()


def test_a_request_handed_to_a_worker_outside_their_grid_is_in_their_list_and_count_and_no_other_is(api, new_request, user):
    own, elsewhere, other = new_request("grid1"), new_request("grid2"), new_request("grid2")
    ResidentRequest.objects.filter(pk=elsewhere.pk).update(handler=user("grid1"))
    listed = api("grid1").get("/api/requests/", {"page_size": 200}).json()
    ids = {row["id"] for row in listed["results"]}
    assert {own.pk, elsewhere.pk} <= ids and other.pk not in ids
    assert listed["count"] == len(ids) == ResidentRequest.objects.filter(grid=own.grid).count() + 1
    assert api("grid1").get(f"/api/requests/{elsewhere.pk}/").status_code == 200
    assert api("grid1").get(f"/api/requests/{other.pk}/").status_code == 404


def test_the_administrator_lists_every_request_not_only_those_handed_to_them(new_request):
    new_request("grid1"), new_request("grid2")
    admin = APIClient()
    admin.force_authenticate(f.UserFactory(is_superuser=True))
    assert admin.get("/api/requests/").json()["count"] == ResidentRequest.objects.count() >= 2


def test_the_whole_loop_through_the_api(api, new_request, user):
    request = new_request()
    cadre, worker = api("community1"), api("grid1")
    assert cadre.get(f"/api/requests/{request.pk}/actions/").json()["actions"] == ["accept", "refuse", "merge", "withdraw"]
    assert worker.post(f"/api/requests/{request.pk}/accept/", {}, format="json").status_code == 403
    cadre.post(f"/api/requests/{request.pk}/accept/", {}, format="json")
    cadre.post(f"/api/requests/{request.pk}/dispatch/", {"handler": user("grid1").pk}, format="json")
    worker.post(f"/api/requests/{request.pk}/take/", {}, format="json")
    refused = worker.post(f"/api/requests/{request.pk}/handle/", {"note": ""}, format="json")
    # The service's own message, on the field the caller sent (the service calls it result_note).
    assert refused.status_code == 400 and set(refused.json()) == {"message", "extra"} and list(refused.json()["extra"]["fields"]) == ["note"]
    worker.post(f"/api/requests/{request.pk}/handle/", {"note": "已修好"}, format="json")
    assert cadre.post(f"/api/requests/{request.pk}/verify/", {"passed": True}, format="json").json()["status"] == "verified"
    cadre.post(f"/api/requests/{request.pk}/answer/", {"note": "已修好，请查看"}, format="json")
    closed = cadre.post(f"/api/requests/{request.pk}/follow_up/", {"rating": 5}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


# What each action takes, as an integrator reads it in the OpenAPI schema.
ACTION_FIELDS = {
    "accept": {"note", "public"},
    "refuse": {"note"},
    "merge": {"into"},
    "dispatch": {"handler", "unit", "note", "public"},
    "alliance": {"held_on", "units", "attendees", "unit", "responsible_person", "note", "public"},
    "long_term": {"note"},
    "take": set(),
    "return": {"note"},
    "progress": {"note", "public"},
    "handle": {"note", "photos", "public"},
    "extension_ask": {"days", "note"},
    "escalate": {"note", "proposal"},
    "extension_decide": {"approve", "note"},
    "verify": {"passed", "note", "public"},
    "answer": {"note"},
    "follow_up": {"rating", "note", "declined", "public"},
    "withdraw": {"note", "public"},
}


def test_the_schema_documents_each_actions_own_route_fields_and_errors():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert set(ACTION_FIELDS) == set(RequestAction.values) == set(ACTIONS)
    for name, fields in ACTION_FIELDS.items():
        operation = schema["paths"][f"/api/requests/{{id}}/{name}/"]["post"]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        documented = set(components[body["$ref"].rsplit("/", 1)[1]]["properties"]) if body else set()
        assert documented == fields, name
        assert {"200", "400", "403", "404"} <= set(operation["responses"]), name
    assert schema["paths"]["/api/requests/{id}/actions/"]["get"]["responses"]["200"]


def test_the_page_and_the_api_refuse_a_unit_of_another_community_alike(api, login, new_request):
    request = new_request()
    cadre = api("community1")
    cadre.post(f"/api/requests/{request.pk}/accept/", {}, format="json")
    elsewhere = Community.objects.exclude(pk=request.grid.community_id).first()
    unit = ResidentUnit.objects.create(community=elsewhere, name="别的社区的物业", kind=ResidentUnit.Kind.values[0])
    answer = cadre.post(f"/api/requests/{request.pk}/dispatch/", {"unit": unit.pk}, format="json")
    assert answer.status_code == 400 and list(answer.json()["extra"]["fields"]) == ["unit"]
    page = login("community1").post(reverse("request-act", args=[request.pk, "dispatch"]), {"handler": "", "unit": unit.pk})
    assert page.status_code == 400 and escape(answer.json()["extra"]["fields"]["unit"][0]) in page.content.decode()
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.handler_unit is None


def test_merging_through_the_api_names_the_request_to_keep_by_its_number(api, new_request):
    request, keep = new_request(), new_request()
    cadre = api("community1")
    unknown = cadre.post(f"/api/requests/{request.pk}/merge/", {"into": "NO-SUCH"}, format="json")
    assert unknown.status_code == 400 and list(unknown.json()["extra"]["fields"]) == ["into"]
    merged = cadre.post(f"/api/requests/{request.pk}/merge/", {"into": keep.public_id.lower()}, format="json")
    assert merged.status_code == 200 and merged.json()["status"] == "merged"


def test_the_request_pages_lists_and_photos_are_api_actions(api, new_request, user):
    req = new_request()
    worker, cadre = api("grid1"), api("community1")
    assert cadre.get("/api/requests/board/").json()["count"] >= 1
    assert req.pk in {row["id"] for row in cadre.get("/api/requests/board/", {"status": "submitted", "page_size": 200}).json()["results"]}
    bad = cadre.get("/api/requests/board/", {"status": "closed"})
    assert bad.status_code == 400 and "status" in bad.json()["extra"]["fields"]
    assert worker.get("/api/requests/board/").status_code == 403  # grid workers take, cadres dispatch
    assert worker.get("/api/requests/queue/").status_code == 200
    assert cadre.get("/api/requests/overdue/").status_code == 200
    assert cadre.get(f"/api/requests/{req.pk}/photos/").json() == []
    assert cadre.get(f"/api/requests/{req.pk}/photos/1/full/").status_code == 404
    assert api("grid2").get(f"/api/requests/{req.pk}/photos/").status_code == 404
