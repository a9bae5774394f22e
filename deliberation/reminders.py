"""The daily reminders of deliberation: overdue follow-through tasks (each once) and the monthly three-party meeting
(each community once a month). Both are safe to re-run: claimed rows and notification keys send nothing twice."""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import month_end, month_start
from deliberation.models import Meeting, Task
from governance.models import Community, Membership
from governance.roles import Role
from notifications.models import Notification
from notifications.services import notification_send

BATCH = 500
# From this day of the month a community with no three-party meeting scheduled is reminded: time enough to still hold one.
THREE_PARTY_REMIND_FROM_DAY = 15
ORGANISER_ROLES = [Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]


def _organisers(community_ids) -> dict[int, list]:
    """The secretaries and cadres of each community, in one query."""
    found: dict[int, list] = {}
    for membership in Membership.objects.filter(community__in=community_ids, role__in=ORGANISER_ROLES).select_related("user"):
        found.setdefault(membership.community_id, []).append(membership.user)
    return found


def tasks_overdue_remind(*, today: dt.date | None = None) -> int:
    """Open tasks past their due date not yet reminded: their community's organisers are told once, BATCH tasks at a time."""
    today = today or timezone.localdate()
    sent = 0
    while True:
        due = Task.objects.filter(status=Task.Status.OPEN, due_on__lt=today, reminded_at__isnull=True)
        ids = list(due.order_by("due_on", "id").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return sent
        stamp = timezone.now()
        # The conditional UPDATE claims the rows; a concurrent run claims the others, and each reminds only what it stamped.
        due.filter(pk__in=ids).update(reminded_at=stamp)
        claimed = list(Task.objects.filter(pk__in=ids, reminded_at=stamp).select_related("topic"))
        people = _organisers({task.topic.community_id for task in claimed})
        notifications = [
            Notification(
                user=user,
                key=f"delib-task:{task.pk}",
                title=_("Follow-through task overdue: %(task)s (due %(due)s)") % {"task": task.title, "due": task.due_on.isoformat()},
                url=reverse("deliberation-topic", args=[task.topic_id]),
            )
            for task in claimed
            for user in people.get(task.topic.community_id, [])
        ]
        sent += len(notification_send(notifications=notifications))
        if len(ids) < BATCH:
            return sent


def three_party_remind(*, today: dt.date | None = None) -> int:
    """Each community with no three-party joint meeting scheduled or held this month is reminded once that month."""
    today = today or timezone.localdate()
    if today.day < THREE_PARTY_REMIND_FROM_DAY:
        return 0
    met = Meeting.objects.filter(community=OuterRef("pk"), kind=Meeting.Kind.THREE_PARTY, held_on__gte=month_start(today), held_on__lte=month_end(today))
    missing = list(Community.objects.filter(~Exists(met)).values_list("pk", flat=True))
    notifications = [
        Notification(
            user=user,
            key=f"three-party:{community_id}:{today:%Y-%m}",
            title=_("No three-party joint meeting (联席会日) scheduled this month"),
            url=reverse("deliberation-meetings"),
        )
        for community_id, users in _organisers(missing).items()
        for user in users
    ]
    return len(notification_send(notifications=notifications))


def deliberation_remind(*, today: dt.date | None = None) -> int:
    return tasks_overdue_remind(today=today) + three_party_remind(today=today)
