"""The three lists and linkage over the API: the pages' forms and services, the pages' scope, 400 for bad input."""

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEntry, ResidentUnit
from party_building import linkage, lists
from party_building.models import DemandItem, LinkageDuty, LinkageRecord, Project, ResourceItem
from resident_requests.models import Category, ResidentRequest

pytestmark = pytest.mark.django_db


def community_of(user, username):
    return user(username).memberships.get().community


def test_a_demand_is_matched_with_a_resource_and_the_project_done_over_the_api(api, user):
    community = community_of(user, "community1")
    unit = ResidentUnit.objects.filter(community=community).first()
    client = api("community1")
    resource = client.post("/api/list-resources/", {"unit": unit.pk, "category": "venue", "description": "会议室每周开放一次"}, format="json")
    demand = client.post("/api/list-demands/", {"community": community.pk, "category": "venue", "description": "老年活动需要场地"}, format="json")
    assert resource.status_code == demand.status_code == 201
    resource, demand = resource.json(), demand.json()
    listed = {row["id"]: row for row in client.get("/api/list-demands/", {"page_size": 200}).json()["results"]}
    assert resource["id"] in listed[demand["id"]]["suggestions"] and listed[demand["id"]]["project"] is None
    project = client.post(
        "/api/list-projects/", {"demand": demand["id"], "resource": resource["id"], "owner": "王书记", "plan": "每周三下午开放"}, format="json"
    )
    assert project.status_code == 201 and project.json()["status"] == "planned"
    again = client.post("/api/list-projects/", {"demand": demand["id"], "resource": resource["id"], "owner": "王书记", "plan": "再来一次"}, format="json")
    assert again.status_code == 400
    project_id = project.json()["id"]
    refused = client.post(f"/api/list-projects/{project_id}/status/", {"status": "done"}, format="json")
    assert refused.status_code == 400 and "result" in refused.json()["extra"]["fields"]
    done = client.post(f"/api/list-projects/{project_id}/status/", {"status": "done", "result": "已开展 4 次活动"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert AuditEntry.objects.filter(actor=user("community1"), content_type__app_label="party_building").count() >= 4


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/list-resources/", {"unit": "１", "category": "venue", "description": "x"}, "unit"),
        ("/api/list-resources/", {"unit": "UNIT", "category": "weather", "description": "x"}, "category"),
        ("/api/list-resources/", {"unit": "UNIT", "category": "venue", "description": "长" * 201}, "description"),
        ("/api/list-demands/", {"community": "OTHER", "category": "venue", "description": "x"}, "community"),
        ("/api/list-demands/", {"community": True, "category": "venue", "description": "x"}, "community"),
        ("/api/list-projects/", {"demand": None, "resource": "UNIT", "owner": "", "plan": ""}, "demand"),
        # A list where one value is expected is named before anything else is checked.
        ("/api/list-projects/", {"demand": None, "resource": [1], "owner": "", "plan": ""}, "resource"),
    ],
)
def test_bad_or_foreign_list_input_is_a_400_naming_the_field(api, user, path, body, field):
    unit = ResidentUnit.objects.filter(community=community_of(user, "community1")).first()
    values = {"UNIT": unit.pk, "OTHER": community_of(user, "community2").pk}
    body = {key: values.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    answer = api("community1").post(path, body, format="json")
    assert answer.status_code == 400 and field in answer.json()["extra"]["fields"]


def test_the_lists_are_scoped_paginated_and_closed_to_grid_workers(api, user, django_assert_num_queries):
    lists.demand_add(actor=user("community2"), community=community_of(user, "community2"), category="funds", description="社区二的需求")
    descriptions = [row["description"] for row in api("community1").get("/api/list-demands/", {"page_size": 200}).json()["results"]]
    assert "社区二的需求" not in descriptions
    for path in ("/api/list-resources/", "/api/list-demands/", "/api/list-projects/"):
        assert api("grid1").get(path).status_code == 403
    assert api("grid1").post("/api/list-demands/", {}, format="json").status_code == 403
    project = Project.objects.filter(community=community_of(user, "community2")).first() or _project(user, "community2")
    assert api("community1").post(f"/api/list-projects/{project.pk}/status/", {"status": "done", "result": "完成"}, format="json").status_code == 404
    client = api("street1")
    # The caller's memberships (read once for the capability and the scope), COUNT, the page of demands, their suggestions.
    with django_assert_num_queries(4):
        client.get("/api/list-demands/")
    for n in range(5):
        lists.demand_add(actor=user("community1"), community=community_of(user, "community1"), category="venue", description=f"需求 {n}")
    client = api("street1")
    with django_assert_num_queries(4):
        client.get("/api/list-demands/")


def _project(user, username):
    community = community_of(user, username)
    unit = ResidentUnit.objects.filter(community=community).first()
    resource = lists.resource_add(actor=user(username), unit=unit, category="venue", description="场地")
    demand = lists.demand_add(actor=user(username), community=community, category="venue", description="需要场地")
    return lists.project_create(actor=user(username), demand=demand, resource=resource, owner="书记", plan="开放场地")


def test_a_leader_records_a_visit_for_their_own_duty_only(api, user):
    duty = LinkageDuty.objects.filter(user=user("street1")).select_related("community").first()
    body = {"duty": duty.pk, "kind": "visit", "held_on": timezone.localdate().isoformat(), "people": "街道书记", "topics": "养老服务", "problems": "路灯不亮"}
    answer = api("street1").post("/api/linkage-records/", body, format="json")
    assert answer.status_code == 201 and answer.json()["community"] == duty.community_id
    assert api("district").post("/api/linkage-records/", body, format="json").status_code == 400
    future = api("street1").post("/api/linkage-records/", {**body, "held_on": "2999-01-01"}, format="json")
    assert future.status_code == 400 and "held_on" in future.json()["extra"]["fields"]
    assert api("street1").post("/api/linkage-records/", {**body, "held_on": "2026-02-30"}, format="json").status_code == 400
    assert api("street1").post("/api/linkage-records/", {**body, "kind": "joint_meeting"}, format="json").status_code == 400


def test_a_cadre_records_the_joint_meeting_and_a_problem_becomes_a_request(api, user):
    community = community_of(user, "community1")
    units = list(ResidentUnit.objects.filter(community=community).values_list("pk", flat=True)[:2])
    body = {
        "community": community.pk,
        "held_on": timezone.localdate().isoformat(),
        "people": "各驻区单位",
        "topics": "停车难",
        "problems": "小区停车位不足",
        "units": units,
    }
    meeting = api("community1").post("/api/linkage-records/meeting/", body, format="json")
    assert meeting.status_code == 201 and sorted(meeting.json()["units"]) == sorted(units) and meeting.json()["kind"] == "joint_meeting"
    assert api("community2").post("/api/linkage-records/meeting/", body, format="json").status_code == 400
    assert api("community1").post("/api/linkage-records/meeting/", {**body, "units": ["x"]}, format="json").status_code == 400
    record_id, category = meeting.json()["id"], Category.objects.get(code="transport").pk
    wrong = api("community1").post(f"/api/linkage-records/{record_id}/to-request/", {"problem": "没有记录的问题", "category": category}, format="json")
    assert wrong.status_code == 400
    made = api("community1").post(f"/api/linkage-records/{record_id}/to-request/", {"problem": "小区停车位不足", "category": category}, format="json")
    assert made.status_code == 201 and ResidentRequest.objects.get(pk=made.json()["id"]).grid.community_id == community.pk
    assert (
        api("community2").post(f"/api/linkage-records/{record_id}/to-request/", {"problem": "小区停车位不足", "category": category}, format="json").status_code
        == 404
    )


def test_duties_records_and_compliance_follow_the_page(api, login, user, django_assert_num_queries):
    community = community_of(user, "community1")
    linkage.linkage_record(actor=user("community1"), community=community, kind="joint_meeting", held_on=timezone.localdate(), people="单位", topics="议题")
    page = login("street1").get(reverse("linkage")).context
    compliance = api("street1").get("/api/linkage-duties/compliance/").json()
    assert compliance["duties"] == page["state"]["duties"]
    assert [row["duty"]["id"] for row in compliance["behind"]] == [duty.pk for duty, _what in page["state"]["behind"]]
    assert [row["id"] for row in compliance["no_meeting"]] == [c.pk for c in page["state"]["no_meeting"]]
    duties = api("street1").get("/api/linkage-duties/", {"page_size": 200}).json()
    assert duties["count"] == page["state"]["duties"]
    records = [row["id"] for row in api("street1").get("/api/linkage-records/", {"page_size": 30}).json()["results"]]
    assert records == [record.pk for record in page["records"]]
    assert api("outsider").get("/api/linkage-records/").json()["count"] == LinkageRecord.objects.filter(community__district__name="外区").count()
    assert api("grid1").get("/api/linkage-duties/").status_code == 403
    assert api("grid1").get("/api/linkage-records/").status_code == 403
    assert api("street1").get("/api/linkage-records/", {"held_on__gte": "soon"}).status_code == 400
    client = api("district")
    # The caller's memberships (read once for the capability and the scope), COUNT, the page of records, their resident units.
    with django_assert_num_queries(4):
        client.get("/api/linkage-records/")
    for n in range(5):
        linkage.linkage_record(
            actor=user("community1"), community=community, kind="joint_meeting", held_on=timezone.localdate(), people="单位", topics=f"议题 {n}"
        )
    client = api("district")
    with django_assert_num_queries(4):
        client.get("/api/linkage-records/")


def test_the_pages_still_take_their_forms(login, user):
    client = login("community1")
    community = community_of(user, "community1")
    client.post(reverse("three-lists"), {"action": "demand", "community": community.pk, "category": "venue", "description": "页面的需求"})
    assert DemandItem.objects.filter(description="页面的需求").exists()
    answer = client.post(reverse("three-lists"), {"action": "demand", "community": "abc", "category": "venue", "description": "坏的"}, follow=True)
    assert answer.status_code == 200 and not DemandItem.objects.filter(description="坏的").exists()
    assert not ResourceItem.objects.filter(description="坏的").exists()
