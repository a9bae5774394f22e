"""社区工作事项清单 and 准入: the district's departments and template list, each community's duty list, and the tasks
departments push down to a community, admitted against the list or by the street's approval."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from duties.lifecycle import TaskAction, TaskStatus
from governance.models import AppendOnly, Community, District
from governance.roles import Level
from governance.scope import ScopedQuerySet

THROUGH_COMMUNITY = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}


class DutyKind(models.TextChoices):
    SELF_GOVERNANCE = "self_governance", _("Self-governance by law (依法自治)")
    PERFORMANCE = "performance", _("Duties performed by law (依法履职)")
    ASSISTANCE = "assistance", _("Assistance by law (依法协助)")


class Department(models.Model):
    """A district department (职能部门) that pushes tasks down to communities; the district keeps the table."""

    district = models.ForeignKey(District, models.PROTECT, related_name="departments", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=100)
    # Retired rather than deleted: tasks and duties refer to it.
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["district_id"]}

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name

    def ancestry(self):
        return {Level.DISTRICT: self.district_id}


class DutyFields(models.Model):
    """What a duty says, in the district's template and in a community's list alike."""

    kind = models.CharField(_("kind"), max_length=20, choices=DutyKind.choices)
    name = models.CharField(_("duty"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible department"),
        help_text=_("Required for assistance duties."),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name


class DutyTemplate(DutyFields):
    """The district's model list that streets copy into their communities' lists."""

    district = models.ForeignKey(District, models.CASCADE, related_name="duty_templates", verbose_name=_("district"))

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {Level.DISTRICT: ["district_id"]}

    class Meta:
        verbose_name = _("template duty")
        verbose_name_plural = _("template duty list")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="duty_template_unique_name")]

    def ancestry(self):
        return {Level.DISTRICT: self.district_id}

    def clean(self):
        if self.kind == DutyKind.ASSISTANCE and self.department_id is None:
            raise ValidationError({"department": _("An assistance duty names the department it assists.")})
        if self.department_id and self.district_id and self.department.district_id != self.district_id:
            raise ValidationError({"department": _("Choose a department of the community's district.")})


class Duty(DutyFields):
    """One item of a community's duty list (社区工作事项清单), kept by its street."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="duties", verbose_name=_("community"))
    # Retired rather than deleted: admitted tasks refer to it.
    active = models.BooleanField(_("on the list"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = THROUGH_COMMUNITY

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duty list")
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="duty_unique_name")]

    def ancestry(self):
        return self.community.ancestry()


class IncomingTask(models.Model):
    """A task a department pushes down to a community: on the list it is admitted, off the list the street decides."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="incoming_tasks", verbose_name=_("community"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="tasks", verbose_name=_("department"))
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    duty = models.ForeignKey(Duty, models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("duty on the list"))
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why it is off the list, or why it was refused."))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("street's reason"), blank=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = THROUGH_COMMUNITY

    class Meta:
        verbose_name = _("incoming task")
        verbose_name_plural = _("incoming tasks")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["community", "registered_at"], name="duty_task_community_idx"),
            models.Index(fields=["status", "registered_at"], name="duty_task_status_idx"),
        ]

    def __str__(self):
        return self.title

    def ancestry(self):
        return self.community.ancestry()


class TaskHistory(AppendOnly):
    """The task's append-only history: registration and the street's decision, by whom, when, with the reason."""

    task = models.ForeignKey(IncomingTask, models.CASCADE, related_name="history", verbose_name=_("task"))
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    action = models.CharField(_("action"), max_length=20, choices=TaskAction.choices)
    from_status = models.CharField(_("from"), max_length=10, choices=TaskStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=TaskStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("task history entry")
        verbose_name_plural = _("task history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
