"""The lifecycle of an incoming task as tables: its statuses, the allowed moves and what each history entry records.

Pure data, no database: models, services, selectors and pages read the status sets from here only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    ADMITTED = "admitted", _("On the list, admitted")
    PENDING = "pending", _("Off the list, awaiting the street")
    APPROVED = "approved", _("Off the list, approved by the street")
    REFUSED = "refused", _("Refused, not taken on")


class TaskAction(models.TextChoices):
    ADMIT = "admit", _("Registered against a duty on the list")
    SEND = "send", _("Sent to the street for approval")
    APPROVE = "approve", _("Approved by the street")
    REFUSE = "refuse", _("Refused")


class Decision(models.TextChoices):
    """What the street answers to a task sent for approval."""

    APPROVE = "approve", _("Approve: the community takes it on")
    REFUSE = "refuse", _("Refuse: the community does not do it")


# A new task starts from "" (registration); only a task awaiting the street moves again.
TRANSITIONS: dict[str, set[str]] = {
    "": {TaskStatus.ADMITTED, TaskStatus.PENDING, TaskStatus.REFUSED},
    TaskStatus.PENDING: {TaskStatus.APPROVED, TaskStatus.REFUSED},
}
DECIDED = {Decision.APPROVE: (TaskStatus.APPROVED, TaskAction.APPROVE), Decision.REFUSE: (TaskStatus.REFUSED, TaskAction.REFUSE)}
# The community does the work of these; a refused task it does not do, a pending one not yet.
TAKEN_ON = [TaskStatus.ADMITTED, TaskStatus.APPROVED]
