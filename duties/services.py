"""Writes of the duty list and 准入: keyword-only services taking the acting user, each with its audit row in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from duties.lifecycle import DECIDED, TRANSITIONS, Decision, TaskAction, TaskStatus
from duties.models import Department, Duty, DutyKind, DutyTemplate, IncomingTask, TaskHistory
from duties.permissions import can_keep_departments, can_keep_list, can_register_task
from governance.audit import audit_record
from governance.models import AuditEntry, Membership
from governance.roles import ROLE_CAPABILITIES, Capability
from notifications.models import Notification
from notifications.services import notification_send

# The roles that keep duties: those notified of a task sent for approval (at the street) or decided (at the community).
DUTY_ROLES = sorted(role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.MANAGE_DUTIES in capabilities)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _duty_checked(*, community, kind: str, department) -> None:
    if kind == DutyKind.ASSISTANCE and department is None:
        raise ValidationError({"department": _("An assistance duty names the department it assists.")})
    if department is not None and department.district_id != community.district_id:
        raise ValidationError({"department": _("Choose a department of the community's district.")})


def _saved(instance, *, update_fields=None) -> None:
    """Save, answering a duplicate name as the user's error rather than a database failure."""
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ValidationError({"name": _("This name is already on the list.")}) from exc


@transaction.atomic
def department_create(*, actor, district, name: str) -> Department:
    _require(can_keep_departments(actor, district.pk), _("Only the district keeps its departments."))
    department = Department(district=district, name=name.strip())
    _saved(department)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=department, changes={"name": [None, department.name]})
    return department


@transaction.atomic
def department_update(*, actor, department: Department, name: str, active: bool) -> Department:
    _require(can_keep_departments(actor, department.district_id), _("Only the district keeps its departments."))
    before = {"name": department.name, "active": department.active}
    department.name, department.active = name.strip(), active
    _saved(department, update_fields=["name", "active"])
    changes = {key: [value, getattr(department, key)] for key, value in before.items() if value != getattr(department, key)}
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=department, changes=changes)
    return department


@transaction.atomic
def duty_create(*, actor, community, kind: str, name: str, basis: str = "", department=None) -> Duty:
    _require(can_keep_list(actor, community.ancestry()), _("Only the street keeps the community's duty list."))
    _duty_checked(community=community, kind=kind, department=department)
    duty = Duty(community=community, kind=kind, name=name.strip(), basis=basis.strip(), department=department)
    _saved(duty)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=duty, changes={"name": [None, duty.name], "kind": [None, kind]})
    return duty


@transaction.atomic
def duty_update(*, actor, duty: Duty, kind: str, name: str, basis: str = "", department=None, active: bool = True) -> Duty:
    """Change a duty or take it off the list (`active` false); tasks admitted against it keep pointing at it."""
    _require(can_keep_list(actor, duty.ancestry()), _("Only the street keeps the community's duty list."))
    _duty_checked(community=duty.community, kind=kind, department=department)
    fields = {"kind": kind, "name": name.strip(), "basis": basis.strip(), "department_id": department.pk if department else None, "active": active}
    changes = {key: [getattr(duty, key), value] for key, value in fields.items() if getattr(duty, key) != value}
    if not changes:
        return duty
    for key, value in fields.items():
        setattr(duty, key, value)
    _saved(duty, update_fields=["kind", "name", "basis", "department", "active"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=duty, changes=changes)
    return duty


@transaction.atomic
def duty_list_copy(*, actor, community) -> int:
    """Copy the district's template list into the community's list; duties already there by name are kept as they are.

    One audit row on the community counts the duties copied (its key, the reverse relation, reads as "duty list").
    """
    _require(can_keep_list(actor, community.ancestry()), _("Only the street keeps the community's duty list."))
    present = set(Duty.objects.filter(community=community).values_list("name", flat=True))
    templates = DutyTemplate.objects.filter(district_id=community.district_id).exclude(name__in=present).order_by("kind", "id")
    created = Duty.objects.bulk_create(
        [Duty(community=community, kind=t.kind, name=t.name, basis=t.basis, department_id=t.department_id) for t in templates], ignore_conflicts=True
    )
    if created:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=community, changes={"duties": [None, len(created)]})
    return len(created)


def _history(task: IncomingTask, *, frm: str, action: str, actor, note: str = "") -> None:
    if task.status not in TRANSITIONS.get(frm, set()):
        raise ValidationError(_("This task cannot move from “%(from)s” to “%(to)s”.") % {"from": frm, "to": TaskStatus(task.status).label})
    TaskHistory.objects.create(task=task, actor=actor, action=action, from_status=frm, to_status=task.status, note=note)


def _notify(task: IncomingTask, *, memberships, key: str, title: str, extra_users=()) -> None:
    users = {m.user for m in memberships.filter(role__in=DUTY_ROLES).select_related("user")} | set(extra_users)
    url = reverse("duty-task", kwargs={"pk": task.pk})
    body = f"{task.community.name} · {task.department.name} · {task.title}"
    notification_send(notifications=[Notification(user=user, key=f"{key}:{task.pk}", title=title, body=body, url=url) for user in users])


@transaction.atomic
def task_register(
    *, actor, community, department, title: str, received_on, due_on=None, description: str = "", duty=None, refuse: bool = False, reason: str = ""
) -> IncomingTask:
    """Register a task a department pushed down: against a duty on the list it is admitted; off the list it goes to the
    street for approval, or is refused at once with the reason."""
    _require(can_register_task(actor, community.ancestry()), _("You cannot register tasks for this community."))
    reason = reason.strip()
    if department.district_id != community.district_id or not department.active:
        raise ValidationError({"department": _("Choose an active department of the community's district.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    if due_on is not None and due_on < received_on:
        raise ValidationError({"due_on": _("The due date cannot be before the date received.")})
    if duty is not None and (duty.community_id != community.pk or not duty.active):
        raise ValidationError({"duty": _("Choose a duty on this community's list.")})
    if duty is not None and refuse:
        raise ValidationError({"refuse": _("A task on the list is admitted; only a task off the list can be refused.")})
    if duty is None and not reason:
        raise ValidationError({"reason": _("Say why the task is off the list, or why it is refused.")})
    if duty is not None:
        status, action = TaskStatus.ADMITTED, TaskAction.ADMIT
    else:
        status, action = (TaskStatus.REFUSED, TaskAction.REFUSE) if refuse else (TaskStatus.PENDING, TaskAction.SEND)
    task = IncomingTask.objects.create(
        community=community, department=department, title=title.strip(), description=description.strip(), received_on=received_on, due_on=due_on,
        duty=duty, status=status, reason=reason if duty is None else "", registered_by=actor,
    )  # fmt: skip
    _history(task, frm="", action=action, actor=actor, note=task.reason)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=task, changes={"title": [None, task.title], "status": [None, status]})
    if status == TaskStatus.PENDING:
        memberships = Membership.objects.filter(street_id=community.street_id)
        _notify(task, memberships=memberships, key="duty-task-pending", title=_("A task off the duty list awaits your approval"))
    return task


@transaction.atomic
def task_decide(*, actor, task: IncomingTask, decision: str, reason: str = "") -> IncomingTask:
    """The street approves a task off the list (the community takes it on) or refuses it with the reason (it does not)."""
    _require(can_keep_list(actor, task.ancestry()), _("Only the community's street decides on tasks off the list."))
    if decision not in DECIDED:
        raise ValidationError({"decision": _("Choose to approve or to refuse.")})
    reason = reason.strip()
    if decision == Decision.REFUSE and not reason:
        raise ValidationError({"reason": _("Say why the task is refused.")})
    status, action = DECIDED[decision]
    now = timezone.now()
    # The conditional UPDATE is the lock: of two people deciding at once only one finds the task still pending.
    if IncomingTask.objects.filter(pk=task.pk, status=TaskStatus.PENDING).update(status=status, decided_by=actor, decided_at=now, decision_reason=reason) != 1:
        raise ValidationError(_("This task is not awaiting a decision; reload the page to see what it is now."))
    task.refresh_from_db()
    _history(task, frm=TaskStatus.PENDING, action=action, actor=actor, note=reason)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=task, changes={"status": [TaskStatus.PENDING, status]})
    title = _("The street approved a task off the duty list") if status == TaskStatus.APPROVED else _("The street refused a task off the duty list")
    memberships = Membership.objects.filter(community_id=task.community_id)
    _notify(task, memberships=memberships, key="duty-task-decided", title=title, extra_users=[task.registered_by])
    return task
