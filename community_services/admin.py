from django.contrib import admin

from community_services.models import Booking, Leave, ServiceItem, TimeSlot
from governance.admin_mixins import ReadOnlyScopedAdmin
from governance.roles import Capability


@admin.register(ServiceItem, TimeSlot, Leave)
class ServiceListAdmin(ReadOnlyScopedAdmin):
    """The service list, its slots and leave are kept on their pages (with audit); the back office reads them."""

    capability = Capability.MANAGE_SERVICES


@admin.register(Booking)
class BookingAdmin(ReadOnlyScopedAdmin):
    """Bookings move only through their lifecycle; the back office reads them, masked."""

    capability = Capability.HANDLE_BOOKINGS
    list_display = ["tracking_code", "service", "kind", "day", "status", "assignee", "name_masked", "phone_masked"]
    list_filter = ["status", "kind"]
    exclude = ["name_enc", "phone_enc", "phone_hash"]
