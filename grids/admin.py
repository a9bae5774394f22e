from django.contrib import admin

from core.admin_mixins import ReadOnlyInline
from governance.admin_mixins import NodeAdmin, ReadOnlyScopedAdmin
from governance.roles import Capability
from grids.models import Building, CentralHousehold, Grid, Patrol


class CentralHouseholdInline(ReadOnlyInline):
    model = CentralHousehold
    fields = ["room", "member_name", "households_served"]
    readonly_fields = fields


@admin.register(Grid)
class GridAdmin(NodeAdmin):
    list_display = ["name", "code", "community", "party_org_name"]
    list_filter = ["community__street", "community"]
    search_fields = ["name", "code", "boundary"]
    list_select_related = ["community"]
    readonly_fields = ["code"]


@admin.register(Building)
class BuildingAdmin(NodeAdmin):
    list_display = ["name", "number", "grid", "units", "floors", "party_org_name"]
    list_filter = ["grid__community__street", "grid__community"]
    search_fields = ["name", "address", "grid__name", "grid__code"]
    list_select_related = ["grid"]
    inlines = [CentralHouseholdInline]


@admin.register(CentralHousehold)
class CentralHouseholdAdmin(NodeAdmin):
    list_display = ["member_name", "room", "building", "households_served"]
    list_filter = ["building__grid__community"]
    search_fields = ["member_name", "room", "building__name"]
    list_select_related = ["building"]


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyScopedAdmin):
    capability = Capability.VIEW_HIERARCHY
    list_display = ["grid", "worker", "started_at", "ended_at"]
    list_select_related = ["grid", "worker"]
    date_hierarchy = "started_at"
