"""Permission predicates for deliberation: one place, read by the pages and the services."""

from governance.roles import Capability
from governance.scope import scope_for


def can_deliberate(user, ancestry: dict) -> bool:
    """Raise topics, record meetings, votes and decisions, publish them and follow their tasks, at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_DELIBERATION).contains(ancestry)
