from django.contrib import admin

from governance.admin_mixins import ReadOnlyScopedAdmin
from governance.roles import Capability
from party_building.models import DemandItem, Project, ResourceItem


@admin.register(ResourceItem, DemandItem, Project)
class ThreeListsAdmin(ReadOnlyScopedAdmin):
    """The three lists are kept on their page (with history); the back office reads them."""

    capability = Capability.MANAGE_LISTS
