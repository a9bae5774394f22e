"""Permission predicates of the duty list and 准入: one place, read by the pages, the API, the admin and the services.

The community reads its list and registers its tasks; the street (or the district above it) keeps the list and decides
on tasks off the list; the district keeps its departments and template list.
"""

from governance.permissions import has_capability
from governance.roles import Capability, Level
from governance.scope import Scope, scope_for


def list_keeper_scope(user) -> Scope:
    """The user's MANAGE_DUTIES scope held at a street or the district: a community's own cadres have none of it."""
    scope = scope_for(user, Capability.MANAGE_DUTIES)
    if scope.unrestricted:
        return scope
    return Scope(node_ids={level: ids for level, ids in scope.node_ids.items() if level in (Level.DISTRICT, Level.STREET)})


def can_see_duties(user) -> bool:
    return has_capability(user, Capability.MANAGE_DUTIES)


def can_register_task(user, ancestry: dict) -> bool:
    """Register a task pushed down to this community: its cadres, and the street or district above it."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_DUTIES).contains(ancestry)


def can_keep_list(user, ancestry: dict) -> bool:
    """Add, change or retire duties of this community's list, and decide on its tasks off the list."""
    return user.is_authenticated and list_keeper_scope(user).contains(ancestry)


def keeps_any_list(user) -> bool:
    """Holds MANAGE_DUTIES at a street or the district somewhere: sees the approval queue."""
    return user.is_authenticated and not list_keeper_scope(user).is_empty


def can_keep_departments(user, district_id: int) -> bool:
    """Keep the district's departments and template list: the district's own holders."""
    scope = list_keeper_scope(user)
    return user.is_authenticated and (scope.unrestricted or district_id in scope.node_ids.get(Level.DISTRICT, ()))
