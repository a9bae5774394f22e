"""Storing and sending notifications: the one way any app notifies someone."""

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.badges import badge_forget, unread_key
from core.breaker import Breaker
from notifications import tasks
from notifications.backends import deliver
from notifications.models import Notification

logger = logging.getLogger("notifications")
Delivery = Notification.Delivery
MAX_ATTEMPTS = 5
# A sender that died mid-send (killed worker) loses its claim after this; a retry then sends again.
SENDING_LEASE = timedelta(minutes=10)
RETRY_BATCH = 200


@transaction.atomic
def notification_send(*, notifications: Iterable[Notification]) -> list[Notification]:
    """Store each unsaved notification whose (user, key) is new, and have a worker send exactly those after the commit.

    A re-run, a retry or a concurrent run sends nothing twice: a (user, key) already stored is skipped, the unique
    (user, key) of the month's partition lets one concurrent insert win, and this call reads back only the rows
    stamped with its own batch token, so a row stored earlier or by another call is never sent by this one. Returns the notifications this call stored, with their users.
    """
    batch = uuid.uuid4()
    new: dict[tuple[int, str], Notification] = {}
    for notification in notifications:
        notification.key, notification.title, notification.batch = notification.key[:100], notification.title[:200], batch
        new.setdefault((notification.user_id, notification.key), notification)
    if not new:
        return []
    users, keys = {user_id for user_id, _key in new}, {key for _user_id, key in new}
    # The table is partitioned by month and the database keeps (user, key) unique within a month only: a key stored
    # in an earlier month is skipped here, one stored in this month by a concurrent call is ignored by the insert.
    for pair in Notification.objects.filter(user__in=users, key__in=keys).values_list("user_id", "key"):
        new.pop(pair, None)
    if not new:
        return []
    Notification.objects.bulk_create(new.values(), ignore_conflicts=True)
    stored = list(Notification.objects.filter(user__in=users, key__in=keys, batch=batch).select_related("user"))
    transaction.on_commit(lambda: badge_forget(*(unread_key(n.user_id) for n in stored)))
    if stored:
        transaction.on_commit(lambda: _deliver_later([n.pk for n in stored]))
    return stored


BROKER_DOWN_SECONDS = 15.0
broker = Breaker(BROKER_DOWN_SECONDS)


def _deliver_later(notification_ids: list[int]) -> None:
    """Queue the sends for a worker, so that no gateway (SMS, WeChat) is waited for, or fails, inside the request.

    With the broker down the rows stay pending and the retry job (every minute) sends them, each once: it claims them
    as the task would. Publishing is tried once, not retried, and after a failure this process does not try again for
    BROKER_DOWN_SECONDS: a broken broker costs one request its socket timeout, not every request.
    """
    if broker.is_open:
        return
    try:
        tasks.notifications_deliver_task.apply_async(args=[notification_ids], retry=False)
    except Exception:  # any broker failure: the outbox rows are the record, the retry job the way out
        broker.trip()
        logger.warning("Could not queue notifications %s; the retry job will send them", notification_ids, exc_info=True)


def notification_deliver(*, notification_id: int, now=None) -> bool:
    """Claim one due notification with a conditional UPDATE, send it through the channels, record the outcome.

    False when another sender holds it or it is not due; a failure is kept with its error and retried later with
    backoff (1, 2, 4, 8 minutes), and after MAX_ATTEMPTS it is dead (the back office lists it).
    """
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = Notification.objects.filter(due, pk=notification_id, delivery=Delivery.PENDING).update(
        delivery=Delivery.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + SENDING_LEASE
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    try:
        deliver(notification)
    except Exception as exc:  # any gateway failure: the notification is kept and retried, the cause recorded
        logger.warning("Delivery of notification %s failed (attempt %s)", notification.pk, notification.attempts, exc_info=True)
        dead = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            delivery=Delivery.DEAD if dead else Delivery.PENDING,
            next_attempt_at=None if dead else now + timedelta(minutes=2 ** (notification.attempts - 1)),
            last_error=f"{type(exc).__name__}: {exc}"[:300],
        )
        return False
    Notification.objects.filter(pk=notification.pk).update(delivery=Delivery.SENT, next_attempt_at=None, last_error="")
    return True


def notifications_retry(*, now=None) -> int:
    """Send what is due: failed sends whose backoff is over, sends whose sender died, and rows stored while the
    channels were unreachable. Each is claimed before it is sent, so a re-run or a concurrent run sends nothing twice."""
    now = now or timezone.now()
    Notification.objects.filter(delivery=Delivery.SENDING, next_attempt_at__lt=now).update(delivery=Delivery.PENDING, next_attempt_at=now)
    due = Notification.objects.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now), delivery=Delivery.PENDING)
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:RETRY_BATCH])
    return sum(notification_deliver(notification_id=pk, now=now) for pk in ids)


def notification_send_requested(sender, *, messages: list[dict], **kwargs) -> list[Notification]:
    """governance's `notify_requested` signal: each message holds Notification fields (user, key, title, body, url)."""
    return notification_send(notifications=[Notification(**message) for message in messages])


def notification_mark_read(*, actor, notification_id: int) -> bool:
    """The person marks one of their own notifications read; only their inbox changes, so no audit row is written."""
    badge_forget(unread_key(actor.pk))
    return Notification.objects.filter(user=actor, pk=notification_id, read_at__isnull=True).update(read_at=timezone.now()) == 1


def notification_mark_all_read(*, actor) -> int:
    """The person marks their whole inbox read; returns how many were unread. Only their inbox changes, so no audit row."""
    badge_forget(unread_key(actor.pk))
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
