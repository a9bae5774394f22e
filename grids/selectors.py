from governance.models import City, Community, District, Street
from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Building, Grid, Patrol
from grids.places import PLACE_PARENT


def worker_grid_list_for(user):
    """The grids the user holds a grid role in (handles requests there), not the grids below a higher role."""
    return Grid.objects.filter(pk__in=scope_for(user, Capability.HANDLE_REQUESTS).node_ids.get("grid", ()))


def _patrols_for(user):
    return Patrol.objects.visible_to(user, Capability.VIEW_FIGURES).select_related("grid", "worker")


def patrol_list_for(user):
    """Patrols of the grids whose figures the user sees, newest first; the track (up to a day of points) is left unread."""
    return _patrols_for(user).defer("track")


def patrol_get_for(user, pk):
    """One patrol in the user's area, with its track; missing and out-of-scope ones answer 404 alike."""
    return get_in_scope_or_404(_patrols_for(user), pk=pk)


PLACE_MODELS = {Level.CITY: City, Level.DISTRICT: District, Level.STREET: Street, Level.COMMUNITY: Community, Level.GRID: Grid, Level.BUILDING: Building}


def place_list_for(user, level: str, *, within: dict[str, int] | None = None):
    """The placed nodes of `level` in the user's area (buildings with a point, others with an outline), optionally
    within one node per higher level (`{"community": 3}`); the caller has checked those nodes with node_get_for."""
    model = PLACE_MODELS[level]
    places = model.objects.visible_to(user)
    for within_level, node_id in (within or {}).items():
        places = places.filter(**{model.SCOPE_PATHS[within_level][0]: node_id})
    if level == Level.BUILDING:
        return (
            places.filter(lon__isnull=False, lat__isnull=False)
            .select_related("grid")
            .only("id", "name", "number", "address", "lon", "lat", "grid__id", "grid__code")
        )
    columns = ["id", "name", "code", "geometry", "geometry_derived", *([PLACE_PARENT[level]] if level in PLACE_PARENT else [])]
    return places.filter(geometry__isnull=False).only(*columns)
