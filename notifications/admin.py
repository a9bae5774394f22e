from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin
from governance.admin_mixins import CapabilityAdmin
from governance.roles import Capability
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, CapabilityAdmin):
    view_capability = Capability.MANAGE_PEOPLE
    list_display = ["created_at", "user", "title", "read_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key", "title", "body", "url", "created_at", "read_at"]

    def get_queryset(self, request):
        # Nobody reads another person's inbox, in the back office either.
        return super().get_queryset(request).filter(user=request.user)
