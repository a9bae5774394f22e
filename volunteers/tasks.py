from celery import shared_task

from volunteers.services import wishes_remind_unclaimed


@shared_task(ignore_result=True)
def wishes_unclaimed_daily():
    """Daily: remind cadres of micro-wishes unclaimed for 14 days (also `manage.py remind_unclaimed_wishes`)."""
    wishes_remind_unclaimed()
