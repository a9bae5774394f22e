"""Who may do what with the ledger. Scope (where) comes from governance.scope; these add what."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from governance.roles import Capability
from governance.scope import Scope, scope_for
from households.models import Household


def can_edit_anywhere(user) -> bool:
    """Keep the ledger somewhere: the import pages and the template are for those who do."""
    return not scope_for(user, Capability.EDIT_LEDGER).is_empty


def can_see_sensitive_anywhere(user) -> bool:
    """See (and filter by) sensitive tags somewhere; each household still asks can_see_sensitive."""
    return not scope_for(user, Capability.VIEW_SENSITIVE).is_empty


def can_reveal_anywhere(user) -> bool:
    return not scope_for(user, Capability.REVEAL_PERSONAL).is_empty


def export_scope_q(user) -> Q:
    """Households the user may export: where they export or keep the ledger (seeing a household is not enough)."""
    scopes = [scope for scope in (scope_for(user, Capability.EXPORT_LEDGER), scope_for(user, Capability.EDIT_LEDGER)) if not scope.is_empty]
    if not scopes:
        raise PermissionDenied(_("Your role does not allow exporting the ledger."))
    if any(scope.unrestricted for scope in scopes):
        return Q()
    predicate = scopes[0].q(Household)
    for scope in scopes[1:]:
        predicate |= scope.q(Household)
    return predicate


def can_view(user, ancestry: dict) -> bool:
    return scope_for(user, Capability.VIEW_LEDGER).contains(ancestry)


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
