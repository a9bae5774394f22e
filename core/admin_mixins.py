"""Back-office base classes that know nothing of the project's apps (scope-aware ones are in governance/admin_mixins.py)."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the back office shows but never writes: they change only through services, or never (logs)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows listed under their parent record and edited nowhere there; subclasses set `readonly_fields = fields`."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False
