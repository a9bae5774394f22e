from governance.roles import Capability
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Grid, Patrol


def worker_grid_list_for(user):
    """The grids the user holds a grid role in (handles requests there), not the grids below a higher role."""
    return Grid.objects.filter(pk__in=scope_for(user, Capability.HANDLE_REQUESTS).node_ids.get("grid", ()))


def patrol_list_for(user):
    """Patrols of the grids whose figures the user sees, newest first."""
    return Patrol.objects.visible_to(user, Capability.VIEW_FIGURES).select_related("grid", "worker")


def patrol_get_for(user, pk):
    """One patrol in the user's area; missing and out-of-scope ones answer 404 alike."""
    return get_in_scope_or_404(patrol_list_for(user), pk=pk)
