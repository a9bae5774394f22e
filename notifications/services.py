"""Storing and sending notifications: the one way any app notifies someone."""

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notifications.backends import deliver
from notifications.models import Notification


@transaction.atomic
def notification_send(*, notifications: Iterable[Notification]) -> list[Notification]:
    """Store each unsaved notification whose (user, key) is new, and send exactly those through the channels on commit.

    A re-run, a retry or a concurrent run sends nothing twice: the unique (user, key) lets one insert win, and this
    call reads back only the rows stamped with its own batch token, so a row stored earlier or by another call is
    never sent by this one. Returns the notifications this call stored, with their users.
    """
    batch = uuid.uuid4()
    new: dict[tuple[int, str], Notification] = {}
    for notification in notifications:
        notification.key, notification.title, notification.batch = notification.key[:100], notification.title[:200], batch
        new.setdefault((notification.user_id, notification.key), notification)
    if not new:
        return []
    Notification.objects.bulk_create(new.values(), ignore_conflicts=True)
    users, keys = {user_id for user_id, _key in new}, {key for _user_id, key in new}
    stored = list(Notification.objects.filter(user__in=users, key__in=keys, batch=batch).select_related("user"))
    for notification in stored:
        transaction.on_commit(lambda n=notification: deliver(n))
    return stored


def notification_send_requested(sender, *, messages: list[dict], **kwargs) -> list[Notification]:
    """governance's `notify_requested` signal: each message holds Notification fields (user, key, title, body, url)."""
    return notification_send(notifications=[Notification(**message) for message in messages])


def notification_mark_read(*, actor, notification_id: int) -> bool:
    """The person marks one of their own notifications read; only their inbox changes, so no audit row is written."""
    return Notification.objects.filter(user=actor, pk=notification_id, read_at__isnull=True).update(read_at=timezone.now()) == 1


def notification_mark_all_read(*, actor) -> int:
    """The person marks their whole inbox read; returns how many were unread. Only their inbox changes, so no audit row."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
