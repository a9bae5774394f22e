"""Reads of requests through the caller's scope: queues, boards, the request page."""

from django.db.models import Q

from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for
from resident_requests.models import HandlingLevel, ResidentRequest, Status
from resident_requests.services import OPEN

RELATED = ("category__parent", "grid", "building", "handler", "handler_unit")
# The handling level a role works at, from the level of the node it holds.
LEVEL_QUEUE = {
    Level.GRID: [HandlingLevel.GRID],
    Level.COMMUNITY: [HandlingLevel.COMMUNITY],
    Level.STREET: [HandlingLevel.STREET, HandlingLevel.ALLIANCE],
    Level.DISTRICT: [HandlingLevel.DISTRICT],
}


def request_list_for(user):
    """The caller's area, plus whatever is dispatched to the caller by name (a volunteer chosen by skill)."""
    scope = scope_for(user, Capability.VIEW_REQUESTS)
    mine = Q(handler_id=user.pk) if user.is_authenticated else Q(pk__in=[])
    return ResidentRequest.objects.filter(scope.q(ResidentRequest) | mine if not scope.is_empty else mine).select_related(*RELATED)


def request_get_for(user, pk: int):
    return get_in_scope_or_404(request_list_for(user).select_related("household", "grid__community"), pk=pk)


def my_queue(user):
    """What the user is handling, or could take at their own level, soonest deadline first."""
    scope = scope_for(user, Capability.HANDLE_REQUESTS)
    levels = [handling for level, ids in scope.node_ids.items() if ids for handling in LEVEL_QUEUE.get(level, [])]
    mine = Q(handler=user, status__in=[Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS])
    if scope.is_empty:
        return request_list_for(user).filter(mine).order_by("stage_deadline", "id")
    open_to_take = Q(status=Status.DISPATCHED, handler__isnull=True, handler_unit__isnull=True, level__in=levels)
    return request_list_for(user).filter(mine | (open_to_take & scope.q(ResidentRequest))).order_by("stage_deadline", "id")


def dispatch_board(user, *, status: str = "", category: int | None = None, grid: int | None = None):
    """For cadres: requests waiting for them at their levels (to accept, dispatch, verify, answer, follow up)."""
    scope = scope_for(user, Capability.DISPATCH_REQUESTS)
    levels = [handling for level, ids in scope.node_ids.items() if ids for handling in LEVEL_QUEUE.get(level, [])]
    waiting = Q(status__in=[Status.SUBMITTED, Status.HANDLED, Status.VERIFIED, Status.ANSWERED]) | Q(status=Status.ACCEPTED, level__in=levels)
    qs = request_list_for(user).filter(waiting & scope.q(ResidentRequest))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if grid:
        qs = qs.filter(grid_id=grid)
    return qs.order_by("stage_deadline", "id")


def overdue_for(user, now):
    return request_list_for(user).filter(status__in=OPEN, stage_deadline__lt=now).exclude(status=Status.LONG_TERM).order_by("stage_deadline")


def request_by_tracking_code(code: str):
    return ResidentRequest.objects.select_related("category", "grid__community").filter(tracking_code=(code or "").strip().upper()).first()
