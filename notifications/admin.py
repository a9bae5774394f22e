from django.contrib import admin

from governance import selectors
from governance.permissions import has_capability
from governance.roles import Capability
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key", "title", "body", "url", "created_at", "read_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=selectors.user_list_for(request.user))

    def has_module_permission(self, request):
        return has_capability(request.user, Capability.MANAGE_PEOPLE)

    def has_view_permission(self, request, obj=None):
        return has_capability(request.user, Capability.MANAGE_PEOPLE)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
