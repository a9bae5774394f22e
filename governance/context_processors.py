from django.utils.functional import SimpleLazyObject

from governance.roles import Role
from governance.scope import capabilities_of, roles_of


def capabilities(request):
    """`caps`: the capabilities the user holds anywhere, so that menus show only what the user can open; `roles`: the roles;
    `menu_key`: both as text, the key of the rendered menu."""

    def held() -> set[str]:
        return capabilities_of(request.user)

    def field_roles() -> dict[str, bool]:
        roles = roles_of(request.user)
        return {
            # The today page and the phone's tab bar are the grid workers' own.
            "grid_worker": bool(roles & {Role.GRID_WORKER, Role.GRID_LEADER, Role.GRID_PART_TIME}),
            "volunteer": Role.VOLUNTEER in roles,
        }

    def menu_key() -> str:
        roles = field_roles()
        return ",".join(sorted(held())) + f"|{roles['grid_worker']:d}{roles['volunteer']:d}"

    return {"caps": SimpleLazyObject(held), "roles": SimpleLazyObject(field_roles), "menu_key": SimpleLazyObject(menu_key)}
