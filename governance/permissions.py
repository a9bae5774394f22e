"""Permission predicates for the hierarchy and people: one place, read by pages, API and admin."""

from governance.roles import ROLE_CAPABILITIES, ROLE_LEVEL, ROLE_RANK, Capability, Level
from governance.scope import scope_for


def _memberships(user):
    # Fills the per-request cache that scope_for keeps on the user.
    scope_for(user)
    return getattr(user, "_memberships_cache", [])


def has_capability(user, capability: str) -> bool:
    return user.is_authenticated and (user.is_superuser or not scope_for(user, capability).is_empty)


def can_manage_node(user, ancestry: dict) -> bool:
    """Create or edit a node (or a unit, a central household) at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_HIERARCHY).contains(ancestry)


def can_grant(user, role: str, ancestry: dict) -> bool:
    """A role at or above the node, with the right to manage people, ranked no lower than `role`."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    for held_role, _extra, *node_ids in _memberships(user):
        if Capability.MANAGE_PEOPLE not in ROLE_CAPABILITIES.get(held_role, ()):
            continue
        if ROLE_RANK[held_role] < ROLE_RANK[role]:
            continue
        level = ROLE_LEVEL[held_role]
        node_id = node_ids[Level.values.index(level)]
        if ancestry.get(level) == node_id:
            return True
    return False


def can_manage_user(actor, user, memberships) -> bool:
    """Edit an account: only someone who could grant every role the account holds."""
    if actor.is_superuser:
        return True
    if user.is_superuser or not memberships:
        return False
    return all(can_grant(actor, m.role, m.ancestry()) for m in memberships)


def grantable_roles(user, ancestry: dict, level: str) -> list[str]:
    return [role for role, role_level in ROLE_LEVEL.items() if role_level == level and can_grant(user, role, ancestry)]


def phone_shown(user, phone: str, ancestry: dict, capability: str = Capability.MANAGE_PEOPLE) -> str:
    """A phone of an account or a unit: in full for those who manage (people, or units) at this place, masked for every other viewer."""
    from governance.personal_data import mask_phone

    return phone if scope_for(user, capability).contains(ancestry) else mask_phone(phone)
