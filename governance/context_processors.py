from django.utils.functional import SimpleLazyObject

from governance.roles import Capability
from governance.scope import scope_for


def capabilities(request):
    """`caps`: the capabilities the user holds anywhere, so that menus show only what the user can open."""

    def held() -> set[str]:
        user = request.user
        return {capability for capability in Capability.values if user.is_authenticated and not scope_for(user, capability).is_empty}

    return {"caps": SimpleLazyObject(held)}
