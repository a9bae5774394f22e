from celery import shared_task
from django.utils import timezone

from households.reminders import visits_due_notify_all


@shared_task(ignore_result=True)
def visits_due_daily():
    """Daily at 07:30: each grid worker and cadre gets the day's due visits (also `manage.py notify_visits_due`)."""
    visits_due_notify_all(today=timezone.localdate())
