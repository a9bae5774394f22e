"""The desk pages: the list by kind, the register form, the tasks, the approval queue and the overview; constant queries per list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from duties.lifecycle import TaskStatus
from duties.models import Department, Duty, IncomingTask
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_community_reads_its_list_by_kind_and_the_street_keeps_it(login, community):
    home = community("community1")
    page = login("community1").get(reverse("duty-list")).content.decode()
    assert "依法自治" in page and "社区党建工作" in page and "人口信息采集协助" in page and 'name="action" value="change"' not in page
    assert login("community1").post(reverse("duty-list") + f"?community={home.pk}", {"action": "add", "kind": "performance", "name": "x"}).status_code == 403
    client = login("street1")
    answer = client.post(
        reverse("duty-list") + f"?community={home.pk}", {"action": "add", "community": home.pk, "kind": "self_governance", "name": "居民公约修订"}, follow=True
    )
    assert "居民公约修订" in answer.content.decode() and Duty.objects.filter(community=home, name="居民公约修订").exists()
    assert login("street02").get(reverse("duty-list"), {"community": home.pk}).status_code == 404


def test_a_task_is_registered_on_the_form_and_decided_in_the_street_queue(login, community):
    home = community("community1")
    civil = Department.objects.get(district=home.district, name="区民政局")
    form = {"community": home.pk, "department": civil.pk, "title": "协助核查高龄津贴", "received_on": timezone.localdate().isoformat(), "reason": "不在清单内"}
    answer = login("community1").post(reverse("duty-task-register"), form, follow=True)
    task = IncomingTask.objects.get(title="协助核查高龄津贴")
    assert task.status == TaskStatus.PENDING and "待街道审批" in answer.content.decode()
    missing = login("community1").post(reverse("duty-task-register"), {**form, "reason": ""})
    assert missing.status_code == 200 and "说明" in missing.content.decode()
    client = login("street1")
    assert "协助核查高龄津贴" in client.get(reverse("duty-approvals")).content.decode()
    client.post(reverse("duty-approvals"), {"task": task.pk, "decision": "refuse", "reason": "属于民政部门职责"})
    task.refresh_from_db()
    assert task.status == TaskStatus.REFUSED and "属于民政部门职责" in login("community1").get(reverse("duty-task", args=[task.pk])).content.decode()


def test_pages_need_the_capability_and_answer_404_outside(login, community):
    foreign = IncomingTask.objects.filter(community=community("community2")).first()
    assert login("grid1").get(reverse("duty-tasks")).status_code == 403
    assert login("community1").get(reverse("duty-task", args=[foreign.pk])).status_code == 404
    assert login("community1").get(reverse("duty-tasks"), {"status": "nonsense"}).status_code == 400


def test_the_district_overview_shows_each_street_with_its_tasks_off_the_list(login):
    page = login("district").get(reverse("duty-overview")).content.decode()
    assert "建设北街街道" in page and "区民政局" in page and "本期登记的任务" in page


@pytest.mark.parametrize("extra", [0, 12])
def test_the_task_list_and_queue_take_the_same_queries_however_many_tasks(login, community, django_assert_num_queries, extra):
    home = community("community1")
    for _ in range(extra):
        f.incoming_task(home)
    client = login("street1")
    client.get(reverse("duty-tasks"))
    # Session, user, memberships; the count and the page of tasks (community, street, department, duty and registrant
    # joined); the communities of the filter; the menu's waiting requests and unread notifications.
    with django_assert_num_queries(8):
        assert client.get(reverse("duty-tasks")).status_code == 200
    # The same without the filter's communities.
    with django_assert_num_queries(7):
        assert client.get(reverse("duty-approvals")).status_code == 200
