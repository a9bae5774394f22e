"""Volunteer actions through the API: the page's form as input, the same service, scope answered as 404."""

import datetime as dt

import pytest
from django.utils import timezone

from governance.models import AuditEntry
from volunteers import selectors, services
from volunteers.models import Activity, PointsEntry, PostClaim, Wish

pytestmark = pytest.mark.django_db


def test_a_street_cadre_publishes_an_activity_for_a_community_it_chooses(api, user):
    communities = list(selectors.communities_managed_by(user("street1")))
    start = timezone.now() + dt.timedelta(days=2)
    payload = {"title": "API活动", "place": "广场", "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=1)).isoformat(), "places": 3}
    missing = api("street1").post("/api/volunteer-activities/", payload, format="json")
    assert missing.status_code == 400 and "community" in missing.json()["extra"]["fields"]
    answer = api("street1").post("/api/volunteer-activities/", {**payload, "community": communities[1].pk}, format="json")
    assert answer.status_code == 201, answer.json()
    activity = Activity.objects.get(pk=answer.json()["id"])
    assert activity.community == communities[1] and activity.signup_closes_at == activity.starts_at - dt.timedelta(hours=2)


def test_a_wish_goes_from_the_desk_to_the_volunteer_and_back_through_the_api(api, member):
    cadre, volunteer = api("community1"), api("volunteer1")
    created = cadre.post("/api/wishes/", {"resident_name": "王大爷", "content": "想要一台收音机"}, format="json")
    assert created.status_code == 201 and created.json()["masked_name"] == "王**"
    pk = created.json()["id"]
    assert cadre.post(f"/api/wishes/{pk}/publish/", {"note": ""}, format="json").json()["status"] == Wish.Status.PUBLISHED
    assert volunteer.post(f"/api/wishes/{pk}/claim/", {}, format="json").json()["status"] == Wish.Status.CLAIMED
    refused = volunteer.post(f"/api/wishes/{pk}/fulfil/", {"note": ""}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()["extra"]["fields"]
    assert volunteer.post(f"/api/wishes/{pk}/fulfil/", {"note": "已送到"}, format="json").json()["status"] == Wish.Status.FULFILLED
    before = selectors.points_balance(member)
    assert cadre.post(f"/api/wishes/{pk}/confirm/", format="json").json()["status"] == Wish.Status.CONFIRMED
    assert selectors.points_balance(member) == before + PointsEntry.objects.filter(volunteer=member, kind="wish").latest("created_at").points
    assert api("community2").post(f"/api/wishes/{pk}/confirm/", format="json").status_code == 404
    assert AuditEntry.objects.filter(object_id=str(pk), content_type__model="wish").count() == 5


def test_post_claims_and_duty_through_the_api(api, member, user):
    post = services.post_publish(actor=user("community1"), community=member.community, title="API岗位", places=1)
    claimed = api("volunteer1").post(f"/api/service-posts/{post.pk}/claim/", format="json")
    assert claimed.status_code == 200 and claimed.json()["status"] == PostClaim.Status.CLAIMED
    claim = claimed.json()["id"]
    assert api("community2").post(f"/api/post-claims/{claim}/confirm/", format="json").status_code == 404
    assert api("community1").post(f"/api/post-claims/{claim}/confirm/", format="json").json()["status"] == PostClaim.Status.CONFIRMED
    bad = api("community1").post(f"/api/post-claims/{claim}/duty/", {"hours": "two"}, format="json")
    assert bad.status_code == 400 and "hours" in bad.json()["extra"]["fields"]
    entry = api("community1").post(f"/api/post-claims/{claim}/duty/", {"hours": "2"}, format="json").json()
    assert entry["kind"] == "post" and entry["points"] == "20.0"
    assert api("volunteer1").post(f"/api/post-claims/{claim}/release/", format="json").json()["status"] == PostClaim.Status.RELEASED


def test_the_schema_documents_each_volunteer_action_s_input(api):
    schema = api("community1").get("/api/schema/", {"format": "json"}).json()
    fulfil = schema["paths"]["/api/wishes/{id}/fulfil/"]["post"]["requestBody"]["content"]
    assert set(schema["components"]["schemas"]["WishFulfilInputRequest"]["properties"]) == {"note", "photo"}
    assert "multipart/form-data" in fulfil
    assert "hours" in schema["components"]["schemas"]["DutyInputRequest"]["properties"]
    assert "grid" in schema["components"]["schemas"]["VolunteerConfirmInputRequest"]["properties"]
