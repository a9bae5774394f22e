"""The deliberation pages: scope (a community sees its own, the district all, outside 404), the page actions, the public
decisions page (published only, no personal data, a 360-px phone), query counts that do not grow with the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.models import Meeting, Topic
from tests import factories as f

pytestmark = pytest.mark.django_db


def _titles(client, **query) -> set[str]:
    return {topic.title for topic in client.get(reverse("deliberation-topics"), query).context["page"]}


def test_a_community_sees_only_its_own_topics_and_the_district_sees_all(login):
    assert _titles(login("community1")) == {"加装电梯意见征集", "小区停车位规划"}
    assert _titles(login("community2")) == {"和平社区物业费调整"}
    assert {"加装电梯意见征集", "和平社区物业费调整"} <= _titles(login("district"))
    assert _titles(login("outsider")) == set()


def test_a_topic_or_meeting_outside_ones_area_answers_404_and_grid_workers_403(login):
    other = Topic.objects.get(title="和平社区物业费调整")
    assert login("community1").get(reverse("deliberation-topic", args=[other.pk])).status_code == 404
    assert login("community1").get(reverse("deliberation-meeting", args=[other.meeting_id])).status_code == 404
    assert login("street1").get(reverse("deliberation-topic", args=[other.pk])).status_code == 200
    assert login("grid1").get(reverse("deliberation-topics")).status_code == 403


def test_the_filters_narrow_the_list_and_a_bad_value_is_refused(login):
    client = login("community1")
    assert _titles(client, status="proposed") == {"小区停车位规划"}
    assert _titles(client, source="unit") == set()
    assert client.get(reverse("deliberation-topics"), {"status": "nonsense"}).status_code == 400


def test_a_cadre_raises_a_topic_puts_it_on_a_meeting_and_decides_it_on_the_pages(login, user):
    client = login("cc001")
    community = user("community1").memberships.get().community
    response = client.post(
        reverse("deliberation-topics"), {"community": community.pk, "title": "垃圾分类点位调整", "description": "居民反映垃圾桶离窗太近", "source": "cadre"}
    )
    topic = Topic.objects.get(title="垃圾分类点位调整")
    assert response.url == reverse("deliberation-topic", args=[topic.pk])
    client.post(
        reverse("deliberation-meetings"), {"community": community.pk, "kind": "consultation", "held_on": "2020-01-01", "place": "议事厅", "topics": [topic.pk]}
    )
    meeting = Meeting.objects.get(topics=topic)
    client.post(reverse("deliberation-meeting", args=[meeting.pk]), {"kind": "cppcc", "names": "区政协委员 刘某", "count": 1, "phone": "13912345678"})
    page = client.get(reverse("deliberation-meeting", args=[meeting.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    url = reverse("deliberation-topic", args=[topic.pk])
    refused = client.post(url, {"action": "decide", "outcome": "consensus", "consensus": ""}, follow=True)
    assert "共识" in refused.content.decode() and Topic.objects.get(pk=topic.pk).status == "scheduled"
    client.post(url, {"action": "decide", "outcome": "consensus", "consensus": "垃圾桶移至东侧空地"})
    client.post(url, {"action": "publish"})
    topic.refresh_from_db()
    assert (topic.status, topic.decision, topic.published_at is not None) == ("decided", "垃圾桶移至东侧空地", True)


def test_the_public_page_shows_only_published_decisions_of_its_community_and_no_personal_data(client, user):
    community = user("community1").memberships.get().community
    f.topic_walk(f.TopicFactory(community=community, title="尚未公布的决定"), to="decided")
    page = client.get(reverse("public-community-decisions", args=[community.code]))
    text = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in text
    assert "加装电梯意见征集" in text and "统一清理并设立公共储物点" in text
    assert "尚未公布的决定" not in text and "小区停车位规划" not in text and "和平社区物业费调整" not in text
    # The responsible person and the cadre who raised it are desk data, not the public's.
    assert "王主任" not in text and user("community1").full_name not in text
    assert client.get(reverse("public-community-decisions", args=["999999999999"])).status_code == 404


@pytest.mark.parametrize("name", ["deliberation-topics", "deliberation-meetings"])
def test_the_lists_keep_a_constant_number_of_queries(login, user, name):
    community = user("community1").memberships.get().community
    client = login("district")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        return len(ctx)

    before = count()
    for _ in range(3):
        f.topic_walk(f.TopicFactory(community=community), to="decided", tasks=1)
    assert count() == before


def test_the_public_page_keeps_a_constant_number_of_queries(client, user):
    community = user("community1").memberships.get().community

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("public-community-decisions", args=[community.code]))
        return len(ctx)

    before = count()
    for _ in range(3):
        f.topic_walk(f.TopicFactory(community=community), to="decided", published=True, tasks=1)
    assert count() == before


@pytest.mark.parametrize(("username", "sees_other"), [("community1", False), ("district", True)])
def test_the_back_office_reads_deliberation_in_scope(login, username, sees_other):
    client = login(username)
    for model in ("topic", "meeting", "task", "participant"):
        assert client.get(reverse(f"admin:deliberation_{model}_changelist")).status_code == 200
    listed = client.get(reverse("admin:deliberation_topic_changelist")).content.decode()
    assert "加装电梯意见征集" in listed and ("和平社区物业费调整" in listed) == sees_other
