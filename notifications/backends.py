"""Delivery channels: the in-app row is always written; backends (SMS, WeChat gateways) are pluggable.

NOTIFICATION_BACKENDS lists dotted paths of classes with a `send(notification)` method; the default backend
only logs, so that nothing leaves the intranet until a district configures a real gateway.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("notifications")

# What RecordingBackend sent, oldest first; tests read and clear it (like Django's mail.outbox).
outbox: list = []


class LogBackend:
    def send(self, notification) -> None:
        logger.info("notification to %s: %s", notification.user.username, notification.title)


class RecordingBackend:
    """Keeps every send in `outbox`, so that a test counts what went through the channels, not rows."""

    def send(self, notification) -> None:
        outbox.append(notification)


def backends() -> list:
    return [import_string(path)() for path in settings.NOTIFICATION_BACKENDS]


def deliver(notification) -> None:
    """Send one stored notification through every configured channel."""
    for backend in backends():
        backend.send(notification)
