"""Who may do what with the community workers' files: one place, read by the pages, the API and the services."""

from governance.permissions import has_capability
from governance.roles import ROLE_LEVEL, Capability, Level, Role
from governance.scope import LEVELS, memberships_of, scope_for

# Who manage the workforce of their subtree call its workers too: the street and the district organization department.
# The city oversees districts and reads no worker's ID number or phone (PIPL: need to know).
WORKFORCE_ROLES = (Role.STREET_CADRE, Role.DISTRICT_ORG)


def can_manage(user, ancestry: dict) -> bool:
    """Keep workers' files, propose, review and mentor at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_CADRES).contains(ancestry)


def can_see_vetting(user, ancestry: dict) -> bool:
    """The vetting result (背景联审联查) is sensitive: only VIEW_VETTING holders of the worker's area read it."""
    return user.is_authenticated and scope_for(user, Capability.VIEW_VETTING).contains(ancestry)


def can_reveal(user, ancestry: dict) -> bool:
    """A worker's full ID number and phone: for whoever keeps their file and either may reveal personal data there (the
    community's cadres) or holds a workforce role at the worker's street or district."""
    if not can_manage(user, ancestry):
        return False
    if scope_for(user, Capability.REVEAL_PERSONAL).contains(ancestry):
        return True
    for role, _extra, *node_ids in memberships_of(user):
        level = ROLE_LEVEL[role]
        if role in WORKFORCE_ROLES and ancestry.get(level) is not None and ancestry.get(level) == node_ids[LEVELS.index(level)]:
            return True
    return False


def acting_level(user, ancestry: dict) -> str | None:
    """The highest level at which the user keeps workers' files over this place: whose step of a review they may take."""
    scope = scope_for(user, Capability.MANAGE_CADRES)
    if scope.unrestricted:
        return Level.DISTRICT
    return next((level for level in (Level.DISTRICT, Level.STREET, Level.COMMUNITY) if ancestry.get(level) in scope.node_ids.get(level, ())), None)


def can_edit_rules(user, district_id: int) -> bool:
    """The grade ladder and the pools' rules are the district's."""
    return acting_level(user, {Level.DISTRICT: district_id}) == Level.DISTRICT


def manages_cadres(user) -> bool:
    return has_capability(user, Capability.MANAGE_CADRES)
