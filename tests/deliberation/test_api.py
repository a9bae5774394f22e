"""议事协商 over the API: the same services and scope as the pages, every action reachable, errors in the one shape."""

import pytest
from django.utils import timezone

from deliberation.models import Option, Task, Topic

pytestmark = pytest.mark.django_db


def test_the_whole_lifecycle_over_the_api(api, user):
    client = api("cc001")
    community = user("community1").memberships.get().community
    created = client.post(
        "/api/deliberation-topics/", {"community": community.pk, "title": "健身器材更新", "description": "广场健身器材老化", "source": "cadre"}, format="json"
    )
    assert created.status_code == 201 and created.data["status"] == "proposed"
    pk = created.data["id"]
    first = client.post(f"/api/deliberation-topics/{pk}/options/", {"text": "申请专项资金更换"}, format="json")
    client.post(f"/api/deliberation-topics/{pk}/options/", {"text": "维修后继续使用"}, format="json")
    meeting = client.post(
        "/api/deliberation-meetings/",
        {"community": community.pk, "kind": "residents", "held_on": timezone.localdate().isoformat(), "place": "议事厅", "topics": [pk]},
        format="json",
    )
    assert meeting.status_code == 201 and meeting.data["topics"] == [pk]
    people = client.post(
        f"/api/deliberation-meetings/{meeting.data['id']}/participants/", {"kind": "representatives", "names": "居民代表", "count": 9}, format="json"
    )
    assert people.status_code == 201
    vote = client.post(f"/api/deliberation-options/{first.data['id']}/vote/", {"votes_for": 9, "votes_against": 0, "votes_abstain": 0}, format="json")
    assert vote.status_code == 200
    decided = client.post(f"/api/deliberation-topics/{pk}/decide/", {"outcome": "vote"}, format="json")
    assert decided.status_code == 200 and decided.data["decision"] == "申请专项资金更换"
    assert client.post(f"/api/deliberation-topics/{pk}/publish/", format="json").data["published_at"]
    task = client.post(
        f"/api/deliberation-topics/{pk}/tasks/", {"title": "提交资金申请", "responsible": "王主任", "due_on": timezone.localdate().isoformat()}, format="json"
    )
    assert task.status_code == 201
    done = client.post(f"/api/deliberation-tasks/{task.data['id']}/done/", {"result": "已提交"}, format="json")
    assert done.status_code == 200
    assert client.get(f"/api/deliberation-topics/{pk}/").data["status"] == "done"


def test_refusals_answer_400_in_the_one_error_shape(api):
    topic = Topic.objects.get(title="小区停车位规划")
    answer = api("community1").post(f"/api/deliberation-topics/{topic.pk}/decide/", {"outcome": "consensus", "consensus": "直接决定"}, format="json")
    assert answer.status_code == 400 and set(answer.data) == {"message", "extra"}
    bad = api("community1").post(f"/api/deliberation-topics/{topic.pk}/decide/", {"outcome": "maybe"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.data["extra"]["fields"]
    assert api("community1").post(f"/api/deliberation-topics/{topic.pk}/drop/", [1], format="json").status_code == 400


def test_scope_over_the_api(api):
    other = Topic.objects.get(title="和平社区物业费调整")
    assert {t["title"] for t in api("community1").get("/api/deliberation-topics/").data["results"]} == {"加装电梯意见征集", "小区停车位规划"}
    assert api("community1").get(f"/api/deliberation-topics/{other.pk}/").status_code == 404
    assert api("community1").post(f"/api/deliberation-topics/{other.pk}/publish/").status_code == 404
    option = Option.objects.filter(topic=other).first()
    assert api("community1").post(f"/api/deliberation-options/{option.pk}/vote/", {"votes_for": 1, "votes_against": 0, "votes_abstain": 0}).status_code == 404
    task = Task.objects.filter(topic__community=Topic.objects.get(title="加装电梯意见征集").community).first()
    assert api("community2").post(f"/api/deliberation-tasks/{task.pk}/done/", {"result": "越权"}).status_code == 404
    assert api("district").get(f"/api/deliberation-topics/{other.pk}/").status_code == 200
    assert api("grid1").get("/api/deliberation-topics/").status_code == 403
    assert api(None).get("/api/deliberation-meetings/").status_code in (401, 403)
    assert api("community1").get("/api/deliberation-topics/", {"status": "bogus"}).status_code == 400
