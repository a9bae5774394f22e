"""Who may do what with the ledger. Scope (where) comes from governance.scope; these add what."""

from governance.roles import Capability
from governance.scope import scope_for


def can_edit(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.EDIT_LEDGER).contains(ancestry)


def can_see_sensitive(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.VIEW_SENSITIVE).contains(ancestry)


def can_reveal(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.REVEAL_PERSONAL).contains(ancestry)


def can_export(user) -> bool:
    return not scope_for(user, Capability.EXPORT_LEDGER).is_empty
