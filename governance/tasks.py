from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def housekeeping():
    """Hourly: drop expired sessions and photos kept for forms (`manage.py clearsessions`, `manage.py purge_held_photos`)."""
    call_command("clearsessions")
    call_command("purge_held_photos")
