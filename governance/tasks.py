from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def housekeeping():
    """Hourly: drop expired sessions (same as `manage.py clearsessions`, which is its command form)."""
    call_command("clearsessions")
