from django.contrib import admin

from governance.admin_mixins import DistrictTableAdmin, ReadOnlyScopedAdmin
from governance.roles import Capability
from volunteers.models import Activity, PointsEntry, PointsRule, ReportingUnit, Volunteer


@admin.register(PointsRule)
class PointsRuleAdmin(DistrictTableAdmin):
    list_display = ["label", "kind", "points_per_hour", "points_per_service"]
    deletable = False


@admin.register(ReportingUnit)
class ReportingUnitAdmin(ReadOnlyScopedAdmin):
    capability = Capability.MANAGE_VOLUNTEERS
    list_display = ["name", "credit_code", "community", "party_org_name", "status"]
    list_filter = ["status"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["community"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyScopedAdmin):
    capability = Capability.MANAGE_VOLUNTEERS
    list_display = ["name", "community", "grid", "phone_masked", "is_party_member", "status"]
    list_filter = ["status", "is_party_member"]
    search_fields = ["name", "phone_masked"]
    list_select_related = ["community", "grid"]
    exclude = ["phone_enc", "phone_hash"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyScopedAdmin):
    capability = Capability.MANAGE_VOLUNTEERS
    list_display = ["title", "community", "starts_at", "places", "status"]
    list_filter = ["status"]
    search_fields = ["title", "place"]
    list_select_related = ["community"]
    exclude = ["secret"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyScopedAdmin):
    capability = Capability.MANAGE_VOLUNTEERS
    list_display = ["created_at", "volunteer", "kind", "hours", "points", "note"]
    list_filter = ["kind"]
    search_fields = ["volunteer__name", "note"]
    list_select_related = ["volunteer"]
