from django.contrib import admin
from django.db.models import Q

from core.admin_mixins import ReadOnlyAdmin
from governance.admin_mixins import CapabilityAdmin
from governance.roles import Capability, Level
from governance.scope import scope_for
from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, CapabilityAdmin):
    view_capability = Capability.MANAGE_PEOPLE
    list_display = ["created_at", "user", "title", "read_at", "delivery", "attempts"]
    list_filter = ["delivery"]
    list_select_related = ["user"]
    readonly_fields = ["user", "key", "title", "body", "url", "created_at", "read_at", "delivery", "attempts", "next_attempt_at", "last_error"]

    def get_queryset(self, request):
        # Nobody reads another person's inbox, in the back office either; the district also sees what the channels
        # failed to deliver for good (to mend the gateway), not what was delivered.
        mine = Q(user=request.user)
        if scope_for(request.user, Capability.VIEW_AUDIT).node_ids.get(Level.DISTRICT):
            mine |= Q(delivery=Notification.Delivery.DEAD)
        return super().get_queryset(request).filter(mine)
