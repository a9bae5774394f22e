"""准入 over the API: the pages' forms and services, the pages' scope (404 outside, 403 without the capability), 400 for bad input."""

import pytest
from django.utils import timezone

from duties.lifecycle import TaskStatus
from duties.models import Department, IncomingTask

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_task_off_the_list_is_registered_queued_and_approved_over_the_api(api, community):
    home = community("community1")
    civil = Department.objects.get(district=home.district, name="区民政局")
    body = {"community": home.pk, "department": civil.pk, "title": "协助开展燃气安全排查", "received_on": timezone.localdate().isoformat(), "reason": "清单外"}
    created = api("community1").post("/api/incoming-tasks/", body, format="json")
    assert created.status_code == 201 and created.json()["status"] == TaskStatus.PENDING
    task_id = created.json()["id"]
    street = api("street1")
    assert task_id in ids(street.get("/api/incoming-tasks/approvals/"))
    assert api("community1").post(f"/api/incoming-tasks/{task_id}/decide/", {"decision": "approve"}, format="json").status_code == 403
    refused = street.post(f"/api/incoming-tasks/{task_id}/decide/", {"decision": "refuse"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["extra"]["fields"]
    approved = street.post(f"/api/incoming-tasks/{task_id}/decide/", {"decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == TaskStatus.APPROVED
    detail = api("community1").get(f"/api/incoming-tasks/{task_id}/").json()
    assert [entry["action"] for entry in detail["history"]] == ["send", "approve"]
    assert task_id not in ids(street.get("/api/incoming-tasks/approvals/"))


def test_a_community_sees_only_its_own_tasks_the_street_its_communities_and_the_district_all(api, community):
    tasks = {name: set(IncomingTask.objects.filter(community=community(name)).values_list("pk", flat=True)) for name in ("community1", "community2")}
    assert ids(api("community1").get("/api/incoming-tasks/", {"page_size": 200})) == tasks["community1"]
    assert ids(api("street1").get("/api/incoming-tasks/", {"page_size": 200})) == tasks["community1"] | tasks["community2"]
    assert ids(api("street02").get("/api/incoming-tasks/", {"page_size": 200})) == set()
    assert ids(api("district").get("/api/incoming-tasks/", {"page_size": 200})) >= tasks["community1"] | tasks["community2"]
    foreign = next(iter(tasks["community2"]))
    for who in ("community1", "street02", "outsider"):
        assert api(who).get(f"/api/incoming-tasks/{foreign}/").status_code == 404
        assert api(who).post(f"/api/incoming-tasks/{foreign}/decide/", {"decision": "approve"}, format="json").status_code == 404


def test_without_the_capability_the_duty_api_is_refused(api):
    for path in ("/api/incoming-tasks/", "/api/duties/", "/api/departments/", "/api/duty-templates/", "/api/incoming-tasks/figures/"):
        assert api("grid1").get(path).status_code == 403
        assert api(None).get(path).status_code in (401, 403)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"community": "OTHER"}, "community"),
        ({"community": "１"}, "community"),
        ({"department": "abc"}, "department"),
        ({"received_on": "2026-13-45"}, "received_on"),
        ({"title": "长" * 201}, "title"),
        ({"duty": [1]}, "duty"),
        ({"reason": ""}, "reason"),
    ],
)
def test_bad_or_foreign_task_input_is_a_400_naming_the_field(api, community, body, field):
    home = community("community1")
    civil = Department.objects.get(district=home.district, name="区民政局")
    values = {"OTHER": community("cs003").pk}
    body = {key: values.get(value, value) if isinstance(value, str) else value for key, value in body.items()}
    base = {"community": home.pk, "department": civil.pk, "title": "入户核查", "received_on": timezone.localdate().isoformat(), "reason": "清单外"}
    answer = api("community1").post("/api/incoming-tasks/", base | body, format="json")
    assert answer.status_code == 400 and field in answer.json()["extra"]["fields"]


def test_the_street_keeps_the_list_over_the_api_and_the_community_reads_it(api, community):
    target = community("community2")
    copied = api("street1").post("/api/duties/copy/", {"community": target.pk}, format="json")
    assert copied.status_code == 200 and copied.json() == {"copied": 3}
    assert api("community2").post("/api/duties/copy/", {"community": target.pk}, format="json").status_code == 400
    listed = api("community2").get("/api/duties/", {"community": target.pk}).json()["results"]
    assert len(listed) == 3
    duty = listed[0]
    changed = api("street1").post(
        f"/api/duties/{duty['id']}/change/", {"kind": duty["kind"], "name": duty["name"], "department": duty["department"], "active": False}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert api("community2").post(f"/api/duties/{duty['id']}/change/", {"kind": duty["kind"], "name": "改名"}, format="json").status_code == 403
    assert api("street02").post(f"/api/duties/{duty['id']}/change/", {"kind": duty["kind"], "name": "改名"}, format="json").status_code == 404


def test_the_district_adds_a_department_and_the_street_may_not(api):
    assert api("district").post("/api/departments/", {"name": "区人力资源和社会保障局"}, format="json").status_code == 201
    assert api("street1").post("/api/departments/", {"name": "区司法局"}, format="json").status_code == 403
    names = {row["name"] for row in api("community1").get("/api/departments/").json()["results"]}
    assert {"区民政局", "区人力资源和社会保障局"} <= names


def test_the_figures_count_per_street_with_their_denominator(api):
    answer = api("district").get("/api/incoming-tasks/figures/")
    assert answer.status_code == 200
    data = answer.json()
    street1 = next(row for row in data["children"] if row["name"] == "建设北街街道")
    assert (street1["total"], street1["on_list"], street1["off_list"], street1["approved"], street1["refused"], street1["pending"]) == (5, 1, 4, 1, 1, 2)
    rows = {row["key"]: row for row in data["rows"]}
    assert rows["off_list"]["denominator"] >= 5 and rows["off_list"]["denominator_label"]
    assert api("district").get("/api/incoming-tasks/figures/", {"period": "zzz"}).status_code == 400
