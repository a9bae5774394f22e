from governance.scope import get_in_scope_or_404
from notifications.models import Notification


def notification_list_for(user):
    """A person's own notifications, newest first: nobody reads another person's inbox."""
    return Notification.objects.filter(user=user)


def notification_unread_for(user):
    return notification_list_for(user).filter(read_at__isnull=True)


def notification_get_for(user, pk):
    """One of the person's own notifications; anyone else's answers 404 like a missing one."""
    return get_in_scope_or_404(notification_list_for(user), pk=pk)
