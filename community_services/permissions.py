"""Who may keep the service list and who may act on a booking: one place, read by the pages, the API and the services."""

from governance.roles import Capability
from governance.scope import scope_for


def can_manage_services(user, ancestry: dict) -> bool:
    """Keep the service list, its slots, A and B persons and their leave, at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_SERVICES).contains(ancestry)


def can_handle_booking(user, booking) -> bool:
    """Its handler, or any worker of the community's front desk (首问负责: the first one asked takes it on)."""
    if not user.is_authenticated:
        return False
    return booking.assignee_id == user.pk or scope_for(user, Capability.HANDLE_BOOKINGS).contains(booking.ancestry())
