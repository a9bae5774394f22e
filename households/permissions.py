"""Who may do what with the ledger. Scope (where) comes from governance.scope; these add what."""

from governance.roles import Capability
from governance.scope import Scope, scope_for


def can_edit(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.EDIT_LEDGER).contains(ancestry)


def can_see_sensitive(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.VIEW_SENSITIVE).contains(ancestry)


def can_reveal(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.REVEAL_PERSONAL).contains(ancestry)


def birth_date_scope(user) -> Scope:
    """Where `user` sees residents' birth dates; elsewhere they see the age in years (Resident.age).

    The birth date fills the digits the masked ID number hides, so it is shown only where the user may reveal the
    number itself (a reason given, a logged act). Pages, API, admin and exports all ask here.
    """
    return scope_for(user, Capability.REVEAL_PERSONAL)


def can_see_birth_date(user, ancestry: dict) -> bool:
    return birth_date_scope(user).contains(ancestry)
