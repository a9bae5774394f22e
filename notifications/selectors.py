from notifications.models import Notification


def notification_list_for(user):
    """A person's own notifications, newest first: nobody reads another person's inbox."""
    return Notification.objects.filter(user=user)


def notification_unread_for(user):
    return notification_list_for(user).filter(read_at__isnull=True)
