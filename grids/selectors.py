from governance.roles import Capability
from governance.scope import scope_for
from grids.models import Grid


def worker_grid_list_for(user):
    """The grids the user holds a grid role in (handles requests there), not the grids below a higher role."""
    return Grid.objects.filter(pk__in=scope_for(user, Capability.HANDLE_REQUESTS).node_ids.get("grid", ()))
