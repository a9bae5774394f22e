from celery import shared_task

from oversight.dashboards import dashboards_refresh_all
from oversight.reports import monthly_reports_generate
from oversight.rollups import months_roll_up
from oversight.situation import maps_refresh_all


@shared_task(ignore_result=True)
def dashboards_refresh():
    """Every 5 minutes: recompute the cached dashboard figures and district and street maps (also `manage.py refresh_dashboards`)."""
    dashboards_refresh_all()
    maps_refresh_all()


@shared_task(ignore_result=True)
def monthly_reports():
    """On the 1st: the past month's reports (also `manage.py monthly_reports`)."""
    monthly_reports_generate()


@shared_task(ignore_result=True)
def rollups_nightly():
    """Every night: roll up the months that ended, count the last two again (also `manage.py rollup_months`)."""
    months_roll_up()
