from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def housekeeping():
    """Hourly: drop expired sessions (same as `manage.py clearsessions`, which is its command form)."""
    call_command("clearsessions")


@shared_task(ignore_result=True)
def dashboards_refresh():
    """Every 5 minutes: recompute the cached dashboard figures (also `manage.py refresh_dashboards`)."""
    from governance.dashboards import dashboards_refresh_all

    dashboards_refresh_all()


@shared_task(ignore_result=True)
def monthly_reports():
    """On the 1st: the past month's reports (also `manage.py monthly_reports`)."""
    from governance.reports import monthly_reports_generate

    monthly_reports_generate()
