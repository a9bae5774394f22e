from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentRequestsConfig(AppConfig):
    name = "resident_requests"
    verbose_name = _("Resident requests")

    def ready(self):
        from core.dates import working_calendar_register
        from resident_requests.calendar import calendar_for

        # Lower apps (bookings' time limits) count working days on the official calendar kept here.
        working_calendar_register(calendar_for)
