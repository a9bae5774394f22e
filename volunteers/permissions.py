"""Who may manage volunteers: the cadres holding the hierarchy-managing capability over the community."""

from governance.roles import Capability
from governance.scope import scope_for


def can_manage_volunteers(user, ancestry: dict) -> bool:
    return user is not None and scope_for(user, Capability.MANAGE_VOLUNTEERS).contains(ancestry)


def manages_volunteers(user) -> bool:
    """Whether the user manages volunteers anywhere (the desk, the publish forms)."""
    return not scope_for(user, Capability.MANAGE_VOLUNTEERS).is_empty
