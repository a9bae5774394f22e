from celery import shared_task

from cadres.mentoring import meetings_remind


@shared_task(ignore_result=True)
def mentoring_meetings_daily():
    """Mornings: remind each mentoring meeting missed, once (also `manage.py remind_mentoring_meetings`)."""
    meetings_remind()
