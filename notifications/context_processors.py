from django.utils.functional import SimpleLazyObject

from notifications.selectors import notification_unread_for


def unread_notifications(request):
    """`unread`: the header's inbox count, one COUNT query when a page shows it."""

    def count() -> int:
        return notification_unread_for(request.user).count() if request.user.is_authenticated else 0

    return {"unread": SimpleLazyObject(count)}
