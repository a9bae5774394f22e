from celery import shared_task
from django.core.management import call_command

from notifications import services


@shared_task(ignore_result=True)
def notifications_deliver_task(notification_ids: list[int]):
    """Right after the commit that stored them: send each through the channels (claimed first, so never twice)."""
    for notification_id in notification_ids:
        services.notification_deliver(notification_id=notification_id)


@shared_task(ignore_result=True)
def notifications_retry_task():
    """Every minute: send what the channels could not take before (`manage.py notifications_retry`)."""
    call_command("notifications_retry")
