"""Visit reminders: each grid worker and cadre gets their due list once a day, in-app and through the channel."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from governance.models import Membership, User
from governance.roles import ROLE_CAPABILITIES, Capability, Role
from households.selectors import visits_due_for
from notifications.models import Notification
from notifications.services import notification_send

BATCH_SIZE = 200
REMINDED_ROLES = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.EDIT_LEDGER in caps and role != Role.GRID_PART_TIME]


def visits_due_notify(*, user_id: int, today: dt.date) -> Notification | None:
    """One user's reminder for one day; a second run the same day does nothing (unique user + key)."""
    user = User.objects.get(pk=user_id)
    key = f"visits-due:{today.isoformat()}"
    if Notification.objects.filter(user=user, key=key).exists():
        return None
    due = visits_due_for(user, today=today)
    total = due.count()
    if total == 0:
        return None
    overdue = due.filter(next_visit_due__lt=today).count()
    with override(settings.LANGUAGE_CODE):
        title = _("%(count)d households to visit today (%(overdue)d overdue)") % {"count": total, "overdue": overdue}
        body = "、".join(str(household) for household in due[:10])
    # A concurrent run may have stored it meanwhile: then nothing is stored here and nothing sent.
    stored = notification_send(notifications=[Notification(user=user, key=key, title=title, body=body, url=reverse("visits-due"))])
    return stored[0] if stored else None


def visits_due_notify_all(*, today: dt.date, batch_size: int = BATCH_SIZE) -> int:
    """Every active holder of a ledger-keeping role at grid or community level, in bounded batches."""
    ids = sorted(set(Membership.objects.filter(role__in=REMINDED_ROLES, user__is_active=True).values_list("user_id", flat=True)))
    sent = 0
    for start in range(0, len(ids), batch_size):
        for user_id in ids[start : start + batch_size]:
            sent += visits_due_notify(user_id=user_id, today=today) is not None
    return sent
