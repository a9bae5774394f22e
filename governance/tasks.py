from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def housekeeping():
    """Hourly: drop expired sessions, photos kept for forms and old replay keys (`manage.py clearsessions`, `manage.py purge_expired`)."""
    call_command("clearsessions")
    call_command("purge_expired")


@shared_task(ignore_result=True)
def partitions_ensure_daily():
    """Daily: prepare the next months' partitions of the append-only tables (`manage.py partitions_ensure`); a re-run does nothing."""
    call_command("partitions_ensure")
