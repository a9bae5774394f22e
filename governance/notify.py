"""Delivery channels for notifications: the in-app row is always written; backends (SMS, WeChat) are pluggable.

NOTIFICATION_BACKENDS lists dotted paths; the default backend only logs, so that nothing leaves the
intranet until a district configures a real gateway.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger("governance.notify")


class LogBackend:
    def send(self, notification) -> None:
        logger.info("notification to %s: %s", notification.user.username, notification.title)


def backends():
    return [import_string(path)() for path in getattr(settings, "NOTIFICATION_BACKENDS", ["governance.notify.LogBackend"])]


def send(notification) -> None:
    for backend in backends():
        backend.send(notification)


def deliver(notifications) -> list:
    """Store notifications, skipping a (user, key) already stored, and send the new ones once the transaction commits."""
    from governance.models import Notification

    if not notifications:
        return []
    keys = {notification.key for notification in notifications}
    stored = set(Notification.objects.filter(user__in=[n.user_id for n in notifications], key__in=keys).values_list("user_id", "key"))
    new = [notification for notification in notifications if (notification.user_id, notification.key) not in stored]
    # Two concurrent senders may both find a key free: the unique constraint keeps one row.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    for notification in new:
        transaction.on_commit(lambda n=notification: send(n))
    return new
