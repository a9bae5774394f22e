"""Request rules that are more than "holds the capability in the request's area"."""

from governance.roles import LEVEL_DEPTH, Capability, Level
from governance.scope import scope_for
from resident_requests.lifecycle import HandlingLevel
from resident_requests.models import ResidentRequest

# The tree level each rung of the ladder works at; the red-alliance meeting is the street's.
HANDLING_NODE_LEVEL = {
    HandlingLevel.GRID: Level.GRID,
    HandlingLevel.COMMUNITY: Level.COMMUNITY,
    HandlingLevel.STREET: Level.STREET,
    HandlingLevel.ALLIANCE: Level.STREET,
    HandlingLevel.DISTRICT: Level.DISTRICT,
}


def handling_depth(resident_request: ResidentRequest) -> int:
    """How high the handling sits: the request's rung, or higher when the handler's own role over it is higher."""
    ancestry = resident_request.ancestry()
    depths = [LEVEL_DEPTH[HANDLING_NODE_LEVEL[resident_request.level]]]
    if resident_request.handler_id is not None:
        held = scope_for(resident_request.handler, Capability.HANDLE_REQUESTS).node_ids
        depths += [LEVEL_DEPTH[level] for level, ids in held.items() if ancestry.get(level) in ids]
    return min(depths)


def can_decide_extension(resident_request: ResidentRequest, user) -> bool:
    """延期 is decided by a dispatcher strictly above the handling (never a peer, never the handler); a superuser aside."""
    if user is None or user.pk == resident_request.handler_id:
        return False
    depth = handling_depth(resident_request)
    ancestry = resident_request.ancestry()
    above = {level: ancestry.get(level) for level in Level.values if LEVEL_DEPTH[level] < depth}
    return scope_for(user, Capability.DISPATCH_REQUESTS).contains(above)
