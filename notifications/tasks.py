from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def notifications_retry_task():
    """Every minute: send what the channels could not take before (`manage.py notifications_retry`)."""
    call_command("notifications_retry")
