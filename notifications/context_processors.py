from django.utils.functional import SimpleLazyObject

from core.badges import badge_count, unread_key
from notifications.selectors import notification_unread_for


def unread_notifications(request):
    """`unread`: the header's inbox count, one COUNT query when a page shows it."""

    def count() -> int:
        if not request.user.is_authenticated:
            return 0
        return badge_count(unread_key(request.user.pk), lambda: notification_unread_for(request.user).count())

    return {"unread": SimpleLazyObject(count)}
