from celery import shared_task
from django.db import transaction
from django.utils import timezone

from resident_requests.services.escalation import requests_sweep
from resident_requests.services.notices import requests_long_term_review


@shared_task(ignore_result=True)
def requests_sweep_task():
    """Every 5 minutes: reminders at 80%, escalation at the deadline (also `manage.py escalate_overdue`).

    A full batch means more is waiting, so the task queues itself again after this one commits.
    """
    result = requests_sweep()
    if result["more"]:
        transaction.on_commit(requests_sweep_task.delay)


@shared_task(ignore_result=True)
def long_term_review_monthly():
    """On the 1st: remind cadres to review long-term requests (also `manage.py review_long_term`)."""
    requests_long_term_review(today=timezone.localdate())
