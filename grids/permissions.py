"""Who may do what on a grid's patrol: one place, read by pages and services."""

from governance.roles import Capability
from governance.scope import scope_for


def can_patrol(user, grid) -> bool:
    """Patrol a grid: those who handle its requests, i.e. its workers."""
    return scope_for(user, Capability.HANDLE_REQUESTS).contains(grid.ancestry())


def can_end_patrol(user, patrol) -> bool:
    """Only who started a patrol ends it."""
    return patrol.worker_id == user.pk
