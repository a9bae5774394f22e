"""Permission predicates for the three lists and linkage: one place, read by the pages and the services."""

from governance.permissions import has_capability
from governance.roles import Capability
from governance.scope import scope_for


def can_keep_lists(user, ancestry: dict) -> bool:
    """Add to the three lists or move a project on, at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_LISTS).contains(ancestry)


def can_record_joint_meeting(user, ancestry: dict) -> bool:
    """Record a joint meeting of this community with its resident units."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_LINKAGE).contains(ancestry)


def can_see_all_linkage(user) -> bool:
    """See every linkage duty in one's area, not only one's own."""
    return has_capability(user, Capability.VIEW_LINKAGE)
