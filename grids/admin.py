from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ReadOnlyInline
from governance.admin_mixins import NodeAdmin, ReadOnlyScopedAdmin
from governance.permissions import has_capability
from governance.roles import Capability
from grids.forms import PlacesImportForm
from grids.models import Building, CentralHousehold, Grid, Patrol
from grids.places_import import MAX_BYTES, places_import, places_read


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
    readonly_fields = ["code", "outline"]
    change_list_template = "admin/grids/grid/change_list.html"

    @admin.display(description=_("outline"))
    def outline(self, obj):
        if obj.geometry is None:
            return gettext("Not placed yet: import a GeoJSON outline.")
        return f"{obj.min_lon:.6f}, {obj.min_lat:.6f} – {obj.max_lon:.6f}, {obj.max_lat:.6f} (WGS84)"

    def get_urls(self):
        view = self.admin_site.admin_view(self.places_import_view)
        return [path("import-places/", view, name="grids_places_import"), *super().get_urls()]

    def places_import_view(self, request):
        """Upload a GeoJSON file of outlines and building points: all features or none, with each problem listed."""
        if not has_capability(request.user, Capability.MANAGE_HIERARCHY):
            raise PermissionDenied
        form = PlacesImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                collection = places_read(upload)
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                result = places_import(actor=request.user, collection=collection, file_name=upload.name, gcj02=form.cleaned_data["gcj02"])
                if result.ok:
                    counts = ", ".join(f"{gettext(level)} {count}" for level, count in sorted(result.counts.items()) if level != "derived")
                    messages.success(request, gettext("Places imported: %(counts)s.") % {"counts": counts})
                    return redirect("admin:grids_grid_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import places (GeoJSON)"),
            "form": form,
            "result": result,
            "max_mb": MAX_BYTES // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/grids/places_import.html", context)


@admin.register(Building)
class BuildingAdmin(NodeAdmin):
    list_display = ["name", "number", "grid", "units", "floors", "party_org_name"]
    list_filter = ["grid__community__street", "grid__community"]
    search_fields = ["name", "address", "grid__name", "grid__code"]
    list_select_related = ["grid"]
    readonly_fields = ["coordinates"]
    inlines = [CentralHouseholdInline]

    @admin.display(description=_("coordinates (WGS84)"))
    def coordinates(self, obj):
        if obj.lon is None:
            return gettext("Not placed yet: import a GeoJSON point.")
        return f"{obj.lon:.6f}, {obj.lat:.6f}"


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
