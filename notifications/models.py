from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models import User


class Notification(models.Model):
    """An in-app notification; `key` makes a job that sends it idempotent (one per user and key).

    The row is also the outbox of the channels (SMS, WeChat): stored with the change that causes it, then delivered,
    retried with backoff when a gateway fails, and dead after MAX_ATTEMPTS.
    """

    class Delivery(models.TextChoices):
        PENDING = "pending", _("To send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Failed for good")

    user = models.ForeignKey(User, models.CASCADE, related_name="notifications", verbose_name=_("user"))
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The notification_send call that stored the row: it tells a call which of its rows it inserted, and so may send.
    batch = models.UUIDField(_("batch"), null=True, blank=True, editable=False)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    # Pending: not before this time (backoff); sending: the claim's lease, after which a retry may take it again.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)

    class Meta:
        # The table was created by governance, where the model lived first.
        db_table = "governance_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["next_attempt_at"], condition=models.Q(delivery__in=["pending", "sending"]), name="notification_outbox_idx"),
        ]

    def __str__(self):
        return self.title
