"""Permission predicates for the hierarchy and people: one place, read by pages, API and admin."""

from core.personal_data import mask_phone
from governance.roles import ROLE_CAPABILITIES, ROLE_LEVEL, ROLE_RANK, Capability, Level
from governance.scope import LEVELS, city_districts, memberships_of, scope_for


def has_capability(user, capability: str) -> bool:
    return user.is_authenticated and (user.is_superuser or not scope_for(user, capability).is_empty)


def can_manage_node(user, ancestry: dict) -> bool:
    """Create or edit a node (or a unit, a central household) at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_HIERARCHY).contains(ancestry)


def can_see_oversight(user) -> bool:
    """Open the assessment and the monthly reports (each still shows only the user's area)."""
    return has_capability(user, Capability.VIEW_OVERSIGHT)


def _managing_rank(user, ancestry: dict) -> int:
    """The highest rank among the user's people-managing roles held at or above the node (0 when none)."""
    ranks = [0]
    for held_role, _extra, *node_ids in memberships_of(user):
        if Capability.MANAGE_PEOPLE not in ROLE_CAPABILITIES.get(held_role, ()):
            continue
        level = ROLE_LEVEL[held_role]
        node_id = node_ids[LEVELS.index(level)]
        # Nodes below a district do not carry their city: the city's districts stand for it.
        if ancestry.get(level) == node_id or (level == Level.CITY and ancestry.get(Level.DISTRICT) in city_districts(user, node_id)):
            ranks.append(ROLE_RANK[held_role])
    return max(ranks)


def can_grant(user, role: str, ancestry: dict) -> bool:
    """A role at or above the node, with the right to manage people, ranked no lower than `role`."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or _managing_rank(user, ancestry) >= ROLE_RANK[role]


def can_manage_user(actor, user, memberships) -> bool:
    """Edit an account: only someone who could grant every role the account holds."""
    if actor.is_superuser:
        return True
    if user.is_superuser or not memberships:
        return False
    return all(can_grant(actor, m.role, m.ancestry()) for m in memberships)


def can_revoke(actor, membership) -> bool:
    """Revoke a role: never one's own, and only from a role ranked strictly higher, at or above the node (peers cannot remove each other).

    The city organization department ranks highest, so its roles are revoked only by a superuser.
    """
    if not actor.is_authenticated or not actor.is_active or membership.user_id == actor.pk:
        return False
    return actor.is_superuser or _managing_rank(actor, membership.ancestry()) > ROLE_RANK[membership.role]


def can_reset_password(actor, user, memberships) -> bool:
    """Set someone else's password: the actor could grant every role they hold and holds every capability they have, at their places.

    Otherwise a reset would lend the actor the target's rights (a street cadre revealing IDs as a grid worker).
    """
    if actor.pk == user.pk or not can_manage_user(actor, user, memberships):
        return False
    if actor.is_superuser:
        return True
    return all(
        scope_for(actor, capability).contains(membership.ancestry())
        for membership in memberships
        for capability in set(ROLE_CAPABILITIES.get(membership.role, ())) | set(membership.extra_capabilities or ())
    )


def grantable_roles(user, ancestry: dict, level: str) -> list[str]:
    return [role for role, role_level in ROLE_LEVEL.items() if role_level == level and can_grant(user, role, ancestry)]


def phone_shown(user, phone: str, ancestry: dict, capability: str = Capability.MANAGE_PEOPLE) -> str:
    """A phone of an account or a unit: in full for those who manage (people, or units) at this place, masked for every other viewer."""
    return phone if scope_for(user, capability).contains(ancestry) else mask_phone(phone)
