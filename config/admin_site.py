from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from governance.permissions import has_capability
from governance.roles import Capability

# The back office's index, in the order of the daily work: the tree and people first, the technical tables last.
APP_ORDER = [
    "governance",
    "grids",
    "households",
    "resident_requests",
    "volunteers",
    "community_services",
    "cadres",
    "party_building",
    "deliberation",
    "duties",
    "oversight",
    "notifications",
    "auth",
    "authtoken",
    "axes",
]


class BackOfficeSite(admin.AdminSite):
    """The back office: open to every role with the back-office capability, each seeing its own subtree."""

    site_header = _("Community grid governance · back office")
    site_title = _("Back office")
    index_title = _("Records")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: APP_ORDER.index(app["app_label"]) if app["app_label"] in APP_ORDER else len(APP_ORDER))

    def has_permission(self, request):
        return request.user.is_active and has_capability(request.user, Capability.USE_BACK_OFFICE)

    def login(self, request, extra_context=None):
        # A logged-in user without back-office rights would loop between the two login pages.
        if request.user.is_authenticated:
            raise PermissionDenied
        # One login page for the whole product, with its throttling.
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)

    def password_change(self, request, extra_context=None):
        # One page changes one's own password: it clears the must-change flag, deletes API tokens and audits.
        return redirect("password_change")
