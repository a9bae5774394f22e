"""Delivery channels for notifications: the in-app row is always written; backends (SMS, WeChat) are pluggable.

NOTIFICATION_BACKENDS lists dotted paths; the default backend only logs, so that nothing leaves the
intranet until a district configures a real gateway.
"""

import logging

from django.conf import settings
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
