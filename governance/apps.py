from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance hierarchy and people")

    def ready(self):
        # Registers the start-up check that the field keys open the stored data.
        from governance import field_keys  # noqa: F401
