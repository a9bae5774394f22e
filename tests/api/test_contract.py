"""The API's contract: a valid OpenAPI document with one error component, strict filters, and the page actions of the ledger."""

import pytest
from openapi_spec_validator import validate

from households.models import CareTag, Household, Resident, Visit
from resident_requests.models import TimelineEntry
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(api):
    response = api("district").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_the_schema_is_a_valid_openapi_document(schema):
    validate(schema)


def test_every_error_answer_is_the_one_error_component(schema):
    for name, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith("4"):
                assert response["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}, f"{name} {code}"
                assert response["description"], f"{name} {code}"
        # Every operation but the token exchange and the residents' public ones needs a login or a token, and says so.
        public = name == "POST /api/auth/token/" or name.split(" ", 1)[1].startswith("/api/public/")
        assert ("403" in operation["responses"] and operation["security"]) != public, name
    token = schema["paths"]["/api/auth/token/"]["post"]
    assert "security" not in token and set(token["responses"]) == {"200", "400", "429"}
    assert set(token["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1:]) == {"AuthTokenRequest"}


def test_errors_are_documented_where_they_happen(schema):
    paths = schema["paths"]
    assert {"400", "403", "404"} <= set(paths["/api/households/"]["get"]["responses"])  # bad filter, no login, no such page
    assert set(paths["/api/households/{id}/"]["get"]["responses"]) == {"200", "403", "404"}
    assert {"400", "403", "409"} <= set(paths["/api/requests/"]["post"]["responses"])
    assert "429" in paths["/api/households/{id}/reveal/"]["post"]["responses"]
    booking = paths["/api/public/communities/{code}/services/{id}/bookings/"]["post"]
    assert set(booking["responses"]) == {"201", "400", "404", "409", "429"} and "security" not in booking
    assert "Idempotency-Key" in {parameter["name"] for parameter in booking["parameters"]}


def test_lists_are_paginated_in_the_schema_and_single_lists_are_not(schema):
    def answer(path):
        return schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    assert answer("/api/requests/{id}/timeline/") == {"$ref": "#/components/schemas/PaginatedTimelineList"}
    assert answer("/api/households/")["$ref"] == "#/components/schemas/PaginatedHouseholdList"
    assert answer("/api/care-tags/")["type"] == "array"


def test_nullable_fields_are_nullable(schema):
    components = schema["components"]["schemas"]
    assert components["Timeline"]["properties"]["actor"]["nullable"] is True
    assert components["AuditEntry"]["properties"]["actor"]["nullable"] is True


def test_the_parameters_a_list_reads_are_in_the_schema(schema):
    names = {parameter["name"] for parameter in schema["paths"]["/api/households/"]["get"]["parameters"]}
    assert {"q", "tag", "grid", "building", "status", "key_care", "page", "page_size"} <= names


@pytest.mark.parametrize(
    ("path", "parameter", "value"),
    [
        ("/api/residents/", "is_party_member", "yes"),
        ("/api/households/", "key_care", "maybe"),
        ("/api/households/", "grid", "999999"),
        ("/api/households/", "grid", "abc"),
        ("/api/households/", "tag", "no-such-tag"),
        ("/api/households/", "status", "gone"),
        ("/api/requests/", "created_at__gte", "2026-13-45"),
        ("/api/visits/", "household", "-1"),
        ("/api/households/", "page_size", "0"),
        ("/api/households/", "page_size", "100000"),
        ("/api/households/", "page_size", "ten"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter_never_the_unfiltered_list(api, path, parameter, value):
    response = api("community1").get(path, {parameter: value})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "extra"} and parameter in body["extra"]["fields"]


def test_valid_filters_still_filter(api, user):
    household = Household.objects.filter(grid=user("grid1").memberships.get().grid, status="active").first()
    ResidentFactory(household=household, relation=Resident.Relation.SPOUSE, is_party_member=True)
    client = api("community1")
    everyone = client.get("/api/residents/").json()["count"]
    members = client.get("/api/residents/", {"is_party_member": "true"}).json()
    assert 0 < members["count"] < everyone and all(row["is_party_member"] for row in members["results"])
    assert client.get("/api/residents/", {"is_party_member": "False"}).json()["count"] == everyone - members["count"]
    key_care = client.get("/api/households/", {"key_care": "1", "page_size": 200}).json()["results"]
    assert key_care and all(row["key_care"] for row in key_care)


def test_the_timeline_is_paginated_in_a_constant_number_of_queries(api, user, django_assert_num_queries):
    client = api("grid1")
    created = client.post(
        "/api/requests/",
        {"category": 1, "description": "楼道灯坏了", "grid": user("grid1").memberships.get().grid_id},
        format="json",
    ).json()
    url = f"/api/requests/{created['id']}/timeline/"
    # requests handed to the caller outside their area, the request in the caller's scope, COUNT, the page with its actors.
    with django_assert_num_queries(4):
        first = client.get(url).json()
    entry = TimelineEntry.objects.filter(request_id=created["id"]).first()
    for _ in range(5):
        TimelineEntry.objects.create(request_id=created["id"], actor=user("grid1"), action=entry.action, level=entry.level, note="跟进")
    with django_assert_num_queries(4):
        second = client.get(url, {"page_size": 2}).json()
    assert second["count"] == first["count"] + 5 and len(second["results"]) == 2 and second["next"]


def test_a_body_naming_a_building_outside_the_area_is_a_400_not_a_404(api, user):
    elsewhere = user("outsider").memberships.get().community.grids.get().buildings.get()
    response = api("community1").post("/api/households/", {"building": elsewhere.pk, "unit": 1, "floor": 1, "room": "101"}, format="json")
    assert response.status_code == 400 and "building" in response.json()["extra"]["fields"]


def test_a_visit_in_year_329_is_refused(api, user):
    household = Household.objects.filter(grid=user("grid1").memberships.get().grid, status="active").first()
    response = api("grid1").post(f"/api/households/{household.pk}/visits/", {"visited_at": "0329-01-07T08:00:00+08:00", "method": "door"}, format="json")
    assert response.status_code == 400 and "visited_at" in response.json()["extra"]["fields"]
    assert not Visit.objects.filter(household=household, visited_at__year=329).exists()


def test_the_ledger_page_actions_are_api_actions(api, user):
    grid = user("grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid, status="active").first()
    client = api("grid1")
    tag = CareTag.objects.filter(active=True, sensitive=False, applies_to__in=[CareTag.AppliesTo.HOUSEHOLD, CareTag.AppliesTo.BOTH]).first()

    edited = client.put(
        f"/api/households/{household.pk}/",
        {"unit": household.unit, "floor": household.floor, "room": household.room, "tenure": "tenant", "residence": "both", "tags": [tag.pk]},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["tenure"] == "tenant" and tag.code in edited.json()["tags"]

    added = client.post(f"/api/households/{household.pk}/residents/", {"name": "李秀英", "relation": "spouse", "sex": "F"}, format="json")
    assert added.status_code == 201, added.json()
    resident = Resident.objects.get(pk=added.json()["id"])
    renamed = client.put(f"/api/residents/{resident.pk}/", {"name": "李秀兰", "relation": "spouse", "sex": "F"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "李秀兰"

    visit = client.post(f"/api/households/{household.pk}/visits/", {"visited_at": "2026-11-02T09:30", "method": "phone", "needs": "换灯泡"}, format="json")
    assert visit.status_code == 201 and visit.json()["method"] == "phone"
    assert client.get("/api/visits/due/").status_code == 200
    assert client.get(f"/api/visits/{visit.json()['id']}/photo/").status_code == 404  # no photo taken

    archived = client.post(f"/api/households/{household.pk}/archive/", {"moved_out_on": "2026-11-20"}, format="json")
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert client.put(f"/api/residents/{resident.pk}/", {"name": "李秀兰", "relation": "spouse", "sex": "F"}, format="json").status_code == 400


def test_ledger_actions_keep_to_the_area(api, user):
    household = Household.objects.filter(grid=user("grid1").memberships.get().grid, status="active").first()
    resident = household.residents.first()
    outsider = api("grid2")
    assert outsider.post(f"/api/households/{household.pk}/archive/", {"moved_out_on": "2026-11-20"}, format="json").status_code == 404
    assert outsider.put(f"/api/residents/{resident.pk}/", {"name": "某人", "relation": "other", "sex": "F"}, format="json").status_code == 404
    assert outsider.post(f"/api/households/{household.pk}/residents/", {"name": "某人", "relation": "other", "sex": "F"}, format="json").status_code == 404
    household.refresh_from_db()
    assert household.status == "active"
