"""Permission predicates for deliberation: one place, read by the pages and the services."""

from governance.roles import Capability
from governance.scope import scope_for


def can_deliberate(user, ancestry: dict) -> bool:
    """Raise topics, record meetings, votes and decisions, publish them and follow their tasks, at this place in the tree."""
    return user.is_authenticated and scope_for(user, Capability.MANAGE_DELIBERATION).contains(ancestry)


def can_reveal_contact(user, ancestry: dict) -> bool:
    """A participant's contact phone is a resident's: revealed by those who run the community's deliberation and may reveal
    residents' personal data there (its secretary and cadres), as in the household ledger; streets, districts and the city
    oversee deliberation without residents' phones."""
    return can_deliberate(user, ancestry) and scope_for(user, Capability.REVEAL_PERSONAL).contains(ancestry)
