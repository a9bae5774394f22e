"""The admin applies the same scope rule and the same services as pages and API."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.constants import LOOKUP_SEP

from core.admin_mixins import ReadOnlyAdmin
from governance.permissions import can_manage_node, has_capability
from governance.roles import Capability, Level
from governance.scope import Scope, scope_for
from governance.services import node_delete, node_save


class CapabilityAdmin(admin.ModelAdmin):
    """Listed and shown to holders of `view_capability`."""

    view_capability = Capability.USE_BACK_OFFICE

    def has_module_permission(self, request):
        return has_capability(request.user, self.view_capability)

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, self.view_capability)


class DistrictTableAdmin(CapabilityAdmin):
    """Tables the district keeps for everyone (categories, time limits, the calendar, points rules, tags, plans): only the district edits them."""

    # False where history refers to the rows: they are retired (made inactive) instead.
    deletable = True

    def _district(self, request) -> bool:
        return request.user.is_superuser or bool(scope_for(request.user, Capability.MANAGE_HIERARCHY).node_ids.get(Level.DISTRICT))

    def has_add_permission(self, request):
        return self._district(request)

    def has_change_permission(self, request, obj=None):
        return self._district(request)

    def has_delete_permission(self, request, obj=None):
        return self.deletable and self._district(request)


class ScopedAdmin(CapabilityAdmin):
    manage_capability = Capability.MANAGE_HIERARCHY
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return has_capability(request.user, self.manage_capability)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return has_capability(request.user, self.manage_capability)
        return can_manage_node(request.user, obj.ancestry())

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related, "SCOPE_PATHS"):
            kwargs["queryset"] = related.objects.visible_to(request.user, self.manage_capability)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class NodeAdmin(ScopedAdmin):
    """Nodes, units and central households: writes go through node_save / node_delete."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # A district outside any city may still be placed in one (node_save says by whom).
        if obj is not None and getattr(obj, "PARENT_FIELD", None) and getattr(obj, f"{obj.PARENT_FIELD}_id") is not None:
            readonly.append(obj.PARENT_FIELD)
        return readonly

    def save_model(self, request, obj, form, change):
        node_save(actor=request.user, instance=obj)

    def delete_model(self, request, obj):
        try:
            node_delete(actor=request.user, instance=obj)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyScopedAdmin(ReadOnlyAdmin):
    """Records that move only through services on the pages (ledger, requests): the back office reads them."""

    capability: str = Capability.VIEW_HIERARCHY
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user, self.capability)

    def has_module_permission(self, request):
        return has_capability(request.user, Capability.USE_BACK_OFFICE) and has_capability(request.user, self.capability)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def lookup_allowed(self, lookup, value, request):
        """Django's admin lets a changelist filter (`?income=dibao`) on any local field: a filter on a value the viewer may
        not see lists who has it. Ciphertexts and keyed hashes are never filtered on, sensitive fields only when every
        listed row is in the viewer's sensitive-data scope. A refused lookup answers 400 (DisallowedModelAdminLookup)."""
        name = lookup.split(LOOKUP_SEP, 1)[0]
        if name.endswith(("_enc", "_hash")):
            return False
        if name in getattr(self.model, "SENSITIVE_FIELDS", ()) and not self.lists_only_within(request, scope_for(request.user, Capability.VIEW_SENSITIVE)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def lists_only_within(self, request, scope: Scope) -> bool:
        """True when every row the changelist can list lies in `scope` (one EXISTS query)."""
        return scope.unrestricted or not self.get_queryset(request).exclude(scope.q(self.model)).exists()
