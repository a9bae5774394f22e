from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from governance.admin_mixins import DistrictTableAdmin, ReadOnlyScopedAdmin
from governance.roles import Capability
from households.models import CareTag, Household, ImportRun, Resident, Visit
from households.permissions import birth_date_scope, can_see_birth_date, can_see_sensitive


@admin.register(CareTag)
class CareTagAdmin(DistrictTableAdmin):
    """The district extends the tag table; tags are retired (not deleted) so that history keeps its meaning."""

    list_display = ["name", "code", "applies_to", "key_care", "sensitive", "visit_cadence_days", "sort_order", "active"]
    list_filter = ["applies_to", "key_care", "sensitive", "active"]
    list_editable = ["visit_cadence_days", "sort_order", "active"]
    search_fields = ["name", "code"]
    deletable = False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyScopedAdmin):
    capability = Capability.VIEW_LEDGER
    list_display = ["__str__", "grid", "phone_masked", "tenure", "key_care", "next_visit_due", "status"]
    list_filter = ["status", "key_care", "tenure", "grid__community"]
    search_fields = ["building__name", "room", "phone_masked"]
    list_select_related = ["building", "grid"]
    fields = [
        "building",
        "grid",
        "unit",
        "floor",
        "room",
        "phone_masked",
        "tenure",
        "residence",
        "registered_address",
        "is_party_household",
        "living_situation",
        "moved_in_on",
        "moved_out_on",
        "status",
        "head",
        "key_care",
        "visit_cadence_days",
        "last_visited_at",
        "next_visit_due",
    ]


@admin.register(Resident)
class ResidentAdmin(ReadOnlyScopedAdmin):
    capability = Capability.VIEW_LEDGER
    list_display = ["name", "household", "relation", "id_number_masked", "phone_masked", "is_party_member"]
    list_filter = ["relation", "is_party_member", "employment"]
    search_fields = ["name", "phone_masked"]
    list_select_related = ["household__building"]
    fields = [
        "household",
        "name",
        "relation",
        "sex",
        "birth_date",
        "id_number_masked",
        "id_legacy",
        "phone_masked",
        "employment",
        "work_unit",
        "is_party_member",
        "party_branch",
        "special_situation",
        "health",
        "disability",
        "income",
        "moved_out_on",
    ]

    readonly_fields = ["age"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if obj is None or not can_see_sensitive(request.user, obj.ancestry()):
            fields = [name for name in fields if name not in Resident.SENSITIVE_FIELDS]
        if obj is None or not can_see_birth_date(request.user, obj.ancestry()):
            fields = ["age" if name == "birth_date" else name for name in fields]
        return fields

    @admin.display(description=_("age"))
    def age(self, obj):
        return obj.age

    def lookup_allowed(self, lookup, value, request):
        # Filtering on the birth date would give it back, date by date.
        if lookup.split(LOOKUP_SEP, 1)[0] == "birth_date" and not self.lists_only_within(request, birth_date_scope(request.user)):
            return False
        return super().lookup_allowed(lookup, value, request)


@admin.register(Visit)
class VisitAdmin(ReadOnlyScopedAdmin):
    capability = Capability.VIEW_LEDGER
    list_display = ["household", "visited_at", "method", "visitor"]
    list_filter = ["method"]
    search_fields = ["household__building__name", "met_person"]
    list_select_related = ["household__building", "visitor"]
    date_hierarchy = "visited_at"


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyScopedAdmin):
    capability = Capability.EDIT_LEDGER
    list_display = ["created_at", "user", "grid", "building", "file_name", "status", "households", "residents"]
    list_filter = ["status"]
    list_select_related = ["user", "grid", "building"]
