from celery import shared_task

from community_services.services import bookings_mark_no_shows


@shared_task(ignore_result=True)
def no_shows_mark():
    """Every 15 minutes: appointments whose slot has ended while still booked become no-shows, once (also `manage.py mark_no_shows`)."""
    bookings_mark_no_shows()
