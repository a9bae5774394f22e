from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityServicesConfig(AppConfig):
    name = "community_services"
    verbose_name = _("Community services and bookings")
