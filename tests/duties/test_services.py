"""The 准入 lifecycle: on the list admitted, off the list to the street, approved or refused with the reason; and the list kept by the street."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from duties import services
from duties.lifecycle import Decision, TaskAction, TaskStatus
from duties.models import Department, Duty, DutyKind, DutyTemplate
from governance.models import AuditEntry
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def civil(community):
    return Department.objects.get(district=community("community1").district, name="区民政局")


def register(user, community, civil, **fields):
    values = {"title": "配合开展养老服务需求调查", "received_on": timezone.localdate(), "reason": "清单内没有此项"} | fields
    return services.task_register(actor=user("community1"), community=community("community1"), department=civil, **values)


def test_a_task_under_a_duty_on_the_list_is_admitted_with_its_history_and_audit(user, community, civil):
    duty = community("community1").duties.get(name="社区党建工作")
    task = register(user, community, civil, duty=duty)
    assert task.status == TaskStatus.ADMITTED and task.duty == duty and task.reason == ""
    assert list(task.history.values_list("action", "from_status", "to_status")) == [(TaskAction.ADMIT, "", TaskStatus.ADMITTED)]
    assert AuditEntry.objects.filter(object_id=str(task.pk), actor=user("community1")).exists()


def test_a_task_off_the_list_waits_for_the_street_which_is_notified_once(user, community, civil, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        task = register(user, community, civil)
    assert task.status == TaskStatus.PENDING and task.reason == "清单内没有此项"
    notified = Notification.objects.filter(key=f"duty-task-pending:{task.pk}")
    assert set(notified.values_list("user__username", flat=True)) == {"street1"}
    assert [n.user.username for n in outbox] == ["street1"]


def test_the_street_approves_and_the_community_is_told(user, community, civil):
    task = register(user, community, civil)
    task = services.task_decide(actor=user("street1"), task=task, decision=Decision.APPROVE)
    assert task.status == TaskStatus.APPROVED and task.decided_by == user("street1") and task.decided_at is not None
    assert [h.action for h in task.history.all()] == [TaskAction.SEND, TaskAction.APPROVE]
    told = set(Notification.objects.filter(key=f"duty-task-decided:{task.pk}").values_list("user__username", flat=True))
    assert told == {"community1", "cc001"}


def test_the_street_refuses_only_with_a_reason_which_is_recorded(user, community, civil):
    task = register(user, community, civil)
    with pytest.raises(ValidationError) as refused:
        services.task_decide(actor=user("street1"), task=task, decision=Decision.REFUSE, reason="  ")
    assert "reason" in refused.value.message_dict
    task = services.task_decide(actor=user("street1"), task=task, decision=Decision.REFUSE, reason="属于民政部门职责")
    assert task.status == TaskStatus.REFUSED and task.decision_reason == "属于民政部门职责"
    assert task.history.last().note == "属于民政部门职责"


def test_a_decided_task_is_not_decided_again(user, community, civil):
    task = services.task_decide(actor=user("street1"), task=register(user, community, civil), decision=Decision.APPROVE)
    with pytest.raises(ValidationError):
        services.task_decide(actor=user("street1"), task=task, decision=Decision.REFUSE, reason="改主意了")
    task.refresh_from_db()
    assert task.status == TaskStatus.APPROVED and task.history.count() == 2


@pytest.mark.parametrize("who", ["community1", "cc001", "street02", "outsider"])
def test_only_the_communitys_street_or_the_district_decides(user, community, civil, who):
    task = register(user, community, civil)
    with pytest.raises(PermissionDenied):
        services.task_decide(actor=user(who), task=task, decision=Decision.APPROVE)
    assert services.task_decide(actor=user("district"), task=task, decision=Decision.APPROVE).status == TaskStatus.APPROVED


def test_the_community_may_refuse_a_task_off_the_list_at_once(user, community, civil):
    task = register(user, community, civil, refuse=True, reason="要求社区出具无犯罪证明，不属社区职责")
    assert task.status == TaskStatus.REFUSED and not Notification.objects.filter(key__endswith=f":{task.pk}", key__startswith="duty-").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"received_on": "TOMORROW"}, "received_on"),
        ({"due_on": "YESTERDAY"}, "due_on"),
        ({"duty": "OTHER"}, "duty"),
        ({"duty": "RETIRED_DUTY"}, "duty"),
        ({"reason": ""}, "reason"),
        ({"refuse": True, "duty": "OWN"}, "refuse"),
        ({"department": "FOREIGN"}, "department"),
        ({"department": "RETIRED_DEPARTMENT"}, "department"),
    ],
)
def test_registration_refuses_what_makes_no_sense(user, community, civil, fields, field):
    today = timezone.localdate()
    own = community("community1").duties.first()
    values = {
        "TOMORROW": today + dt.timedelta(days=1),
        "YESTERDAY": today - dt.timedelta(days=1),
        "OTHER": f.DutyFactory(community=community("community2")),
        "RETIRED_DUTY": f.DutyFactory(community=community("community1"), active=False),
        "RETIRED_DEPARTMENT": f.DepartmentFactory(district=civil.district, name="已撤销的局", active=False),
        "OWN": own,
        "FOREIGN": f.DepartmentFactory(district=community("outsider").district, name="外区民政局"),
    }
    fields = {key: values.get(value, value) if isinstance(value, str) else value for key, value in fields.items()}
    with pytest.raises(ValidationError) as refused:
        services.task_register(
            actor=user("community1"),
            community=community("community1"),
            **({"title": "入户核查", "received_on": today, "reason": "清单外", "department": civil} | fields),
        )
    assert field in refused.value.message_dict


def test_a_community_registers_only_its_own_tasks(user, community, civil):
    with pytest.raises(PermissionDenied):
        services.task_register(
            actor=user("community1"), community=community("cs003"), department=civil, title="x", received_on=timezone.localdate(), reason="y"
        )


def test_the_street_keeps_the_list_and_the_community_only_reads_it(user, community, civil):
    home = community("community1")
    duty = services.duty_create(actor=user("street1"), community=home, kind=DutyKind.ASSISTANCE, name="退役军人信息采集协助", department=civil)
    assert duty.active and duty.department == civil
    for who in ("community1", "street02"):
        with pytest.raises(PermissionDenied):
            services.duty_create(actor=user(who), community=home, kind=DutyKind.PERFORMANCE, name="居民调解")
    retired = services.duty_update(actor=user("street1"), duty=duty, kind=duty.kind, name=duty.name, department=civil, active=False)
    assert not Duty.objects.get(pk=retired.pk).active


@pytest.mark.parametrize(
    ("kind", "name", "department", "field"),
    [(DutyKind.ASSISTANCE, "计生协助", None, "department"), (DutyKind.PERFORMANCE, "社区党建工作", None, "name")],
)
def test_a_duty_needs_its_department_when_assisting_and_a_name_not_yet_listed(user, community, kind, name, department, field):
    with pytest.raises(ValidationError) as refused:
        services.duty_create(actor=user("street1"), community=community("community1"), kind=kind, name=name, department=department)
    assert field in refused.value.message_dict


def test_copying_the_template_adds_only_the_missing_duties(user, community):
    target = community("community2")
    assert services.duty_list_copy(actor=user("street1"), community=target) == DutyTemplate.objects.filter(district=target.district).count() == 3
    assert services.duty_list_copy(actor=user("street1"), community=target) == 0
    assert set(target.duties.values_list("kind", flat=True)) == set(DutyKind.values)


def test_only_the_district_keeps_its_departments(user, community):
    district = community("community1").district
    department = services.department_create(actor=user("district"), district=district, name="区应急管理局")
    assert department.active
    with pytest.raises(PermissionDenied):
        services.department_create(actor=user("street1"), district=district, name="区司法局")
    with pytest.raises(ValidationError):
        services.department_create(actor=user("district"), district=district, name="区民政局")
