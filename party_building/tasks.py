from celery import shared_task

from party_building.linkage import linkage_remind


@shared_task(ignore_result=True)
def linkage_weekly():
    """Mondays: remind leaders behind on their linkage duty and communities without a joint meeting (also `manage.py remind_linkage`)."""
    linkage_remind()
