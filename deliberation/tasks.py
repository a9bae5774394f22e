from celery import shared_task

from deliberation.reminders import deliberation_remind


@shared_task(ignore_result=True)
def deliberation_daily():
    """Daily: remind overdue follow-through tasks and communities without this month's three-party meeting (also `manage.py remind_deliberation`)."""
    deliberation_remind()
