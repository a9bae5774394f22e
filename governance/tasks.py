from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def housekeeping():
    """Hourly: drop expired sessions (same as `manage.py clearsessions`, which is its command form)."""
    call_command("clearsessions")


@shared_task(ignore_result=True)
def linkage_weekly():
    """Mondays: remind leaders behind on their linkage duty and communities without a joint meeting (also `manage.py remind_linkage`)."""
    from governance.linkage import linkage_remind

    linkage_remind()
