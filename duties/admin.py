from django.contrib import admin

from core.admin_mixins import ReadOnlyInline
from duties.models import Department, Duty, DutyTemplate, IncomingTask, TaskHistory
from governance.admin_mixins import DistrictTableAdmin, ReadOnlyScopedAdmin
from governance.roles import Capability, Level
from governance.scope import scope_for


@admin.register(DutyTemplate)
class DutyTemplateAdmin(DistrictTableAdmin):
    """The district's template duty list: kept here by the district, copied by streets into their communities' lists."""

    list_display = ["name", "kind", "department", "district"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def _districts(self, request):
        scope = scope_for(request.user, Capability.MANAGE_HIERARCHY)
        return None if scope.unrestricted else scope.node_ids.get(Level.DISTRICT, frozenset())

    def get_queryset(self, request):
        districts = self._districts(request)
        queryset = super().get_queryset(request).select_related("department", "district")
        return queryset if districts is None else queryset.filter(district__in=districts)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        districts = self._districts(request)
        if districts is not None and db_field.name in ("district", "department"):
            related = db_field.related_model.objects.all()
            kwargs["queryset"] = related.filter(pk__in=districts) if db_field.name == "district" else related.filter(district__in=districts)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Department)
class DepartmentAdmin(ReadOnlyScopedAdmin):
    """Kept on the duty overview page (with audit); the back office reads them."""

    capability = Capability.MANAGE_DUTIES
    list_display = ["name", "district", "active"]


@admin.register(Duty)
class DutyAdmin(ReadOnlyScopedAdmin):
    """Kept by the street on the duty list page (with audit); the back office reads them."""

    capability = Capability.MANAGE_DUTIES
    list_display = ["name", "kind", "community", "department", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["community", "department"]
    search_fields = ["name"]


class HistoryInline(ReadOnlyInline):
    model = TaskHistory
    fields = readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]


@admin.register(IncomingTask)
class IncomingTaskAdmin(ReadOnlyScopedAdmin):
    """Registered and decided on the pages (with history); the back office reads them."""

    capability = Capability.MANAGE_DUTIES
    list_display = ["title", "community", "department", "status", "received_on"]
    list_filter = ["status"]
    list_select_related = ["community", "department"]
    search_fields = ["title"]
    inlines = [HistoryInline]
