from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyBuildingConfig(AppConfig):
    name = "party_building"
    verbose_name = _("Party building")
