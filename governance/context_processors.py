from django.utils.functional import SimpleLazyObject

from governance.roles import Capability, Role
from governance.scope import roles_of, scope_for


def capabilities(request):
    """`caps`: the capabilities the user holds anywhere, so that menus show only what the user can open; `roles`: the roles."""

    def held() -> set[str]:
        user = request.user
        return {capability for capability in Capability.values if user.is_authenticated and not scope_for(user, capability).is_empty}

    def field_roles() -> dict[str, bool]:
        roles = roles_of(request.user)
        return {
            # The today page and the phone's tab bar are the grid workers' own.
            "grid_worker": bool(roles & {Role.GRID_WORKER, Role.GRID_LEADER, Role.GRID_PART_TIME}),
            "volunteer": Role.VOLUNTEER in roles,
        }

    return {"caps": SimpleLazyObject(held), "roles": SimpleLazyObject(field_roles)}
