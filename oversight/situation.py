"""The people's-situation map (民情地图) of a node: its children drawn from our own GeoJSON, each with its layer figures.

A city shows its districts, a district its streets, a street its communities, a community its grids, a grid its buildings; above the grid the
buildings also come as compact points ([id, lon, lat], six decimals) to tap. Every figure is counted by a grouped
query, so a district of 500 grids and 10,000 buildings costs the same number of queries as one grid. ECharts draws the
answer alone: no tile server, so the map works offline and inside a government intranet. City, district and street maps,
whose counts run over up to 100,000 households, are cached like the dashboards and refreshed by their 5-minute job.
"""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import day_start, quarter_start
from governance.models import City, District, Street
from governance.roles import Level
from governance.selectors import CHILD_LEVEL, NODE_MODELS
from grids.models import Building
from grids.places import PLACE_PARENT, place_feature
from households.models import Household
from oversight.dashboards import THROUGH_GRID, cached_figures
from resident_requests.lifecycle import OPEN, Status
from resident_requests.models import ResidentRequest
from volunteers.models import ReviewStatus

# The layers a map can be coloured by, in the order of the page's buttons.
LAYERS = ("key_care", "open", "overdue", "coverage", "linked")
LAYER_LABELS = {
    "key_care": _("Key-care households"),
    "open": _("Open requests"),
    "overdue": _("Overdue requests"),
    "coverage": _("Visited this quarter"),
    "linked": _("Linked by volunteers"),
}
# A key-care count below this all but names the households, so readers without sensitive data see MASKED instead.
KEY_CARE_SHOWN_FROM = 3
MASKED = "<3"
DECIMALS = 6
# How households and requests name the child they are counted under.
CHILD_COLUMN = {**THROUGH_GRID, Level.BUILDING: "building"}
# The points to tap above the grid: a district's 10,000 buildings go bare, a community's carry their names.
# Levels whose map is read from the 5-minute cache; a community's or grid's is counted live, in tens of milliseconds.
CACHED_LEVELS = (Level.CITY, Level.DISTRICT, Level.STREET)
POINT_FIELDS = {Level.DISTRICT: ("id", "lon", "lat"), Level.STREET: ("id", "lon", "lat"), Level.COMMUNITY: ("id", "lon", "lat", "name")}


def _rounded(value):
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return value


def _geometry(geometry):
    return None if geometry is None else {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}


def _children(node, child_level: str):
    model = NODE_MODELS[child_level]
    children = model.objects.filter(**{model.PARENT_FIELD: node}).order_by(*model._meta.ordering)
    if child_level == Level.BUILDING:
        return children.only("id", "name", "number", "address", "lon", "lat", "grid_id")
    return children.only("id", "name", "code", "geometry", "geometry_derived", *([PLACE_PARENT[child_level]] if child_level in PLACE_PARENT else []))


def _figures(households: dict, requests: dict) -> dict:
    registered = households.get("households", 0)
    return {
        "households": registered,
        "key_care": households.get("key_care", 0),
        "open": requests.get("open", 0),
        "overdue": requests.get("overdue", 0),
        "coverage": round(100 * households["visited"] / registered, 1) if registered else None,
        "linked": households.get("linked", 0),
    }


def map_figures(node, *, now: dt.datetime | None = None) -> dict:
    """The map of a node for any reader: one feature per child with its figures, and the points to tap.

    Queries: households grouped by child, open requests grouped by child, the children, and (above the grid) the points.
    """
    now = now or timezone.now()
    level = node.LEVEL
    child_level = CHILD_LEVEL[level]
    column = CHILD_COLUMN[child_level]
    within = {THROUGH_GRID[level]: node.pk}
    quarter = day_start(quarter_start(timezone.localdate(now)))
    households = {
        row[column]: row
        for row in Household.objects.filter(**within, status=Household.Status.ACTIVE)
        .values(column)
        .annotate(
            households=Count("pk"),
            key_care=Count("pk", filter=Q(key_care=True)),
            visited=Count("pk", filter=Q(last_visited_at__gte=quarter)),
            linked=Count("pk", filter=Q(volunteer_links__volunteer__status=ReviewStatus.CONFIRMED)),
        )
        .order_by()
    }
    # Overdue as the overdue list counts it: past the stage deadline, long-term requests excepted.
    requests = {
        row[column]: row
        for row in ResidentRequest.objects.filter(**within, status__in=OPEN)
        .values(column)
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(stage_deadline__lt=now) & ~Q(status=Status.LONG_TERM)))
        .order_by()
    }
    features = []
    for child in _children(node, child_level):
        if child_level == Level.BUILDING:
            # The grid is the node itself: the feature names it without a query per building.
            child.grid = node
        feature = place_feature(child_level, child)
        feature["geometry"] = _geometry(feature["geometry"])
        feature["properties"] |= _figures(households.get(child.pk, {}), requests.get(child.pk, {}))
        features.append(feature)
    points = None
    if level in POINT_FIELDS:
        fields = POINT_FIELDS[level]
        placed = Building.objects.filter(**{Building.SCOPE_PATHS[level][0]: node.pk}, lon__isnull=False).order_by("grid_id", "number")
        points = {
            "columns": list(fields),
            "rows": [[pk, round(lon, DECIMALS), round(lat, DECIMALS), *rest] for pk, lon, lat, *rest in placed.values_list(*fields)],
        }
    return {
        "type": "FeatureCollection",
        "level": level,
        "id": node.pk,
        "name": node.name,
        "child_level": child_level,
        "outline": _geometry(node.geometry),
        "features": features,
        "points": points,
    }


def _key(node) -> str:
    return f"situation:v1:{node.LEVEL}:{node.pk}"


def map_for(node) -> tuple[dict, dt.datetime]:
    """The map of a node with the time it was counted: from the cache above the community, at most five minutes old."""
    if node.LEVEL in CACHED_LEVELS:
        return cached_figures(_key(node), lambda: map_figures(node))
    return map_figures(node), timezone.now()


def maps_refresh_all() -> int:
    """Part of the 5-minute job: count the map of every city, district and street anew."""
    nodes = [*City.objects.all(), *District.objects.all(), *Street.objects.all()]
    for node in nodes:
        cached_figures(_key(node), lambda node=node: map_figures(node), refresh=True)
    return len(nodes)


def map_for_reader(data: dict, *, ancestry: dict, key_care_shown: bool, sensitive) -> dict:
    """The map as one reader may see it: key-care figures only for those who see the ledger here, and counts of 1 or 2
    masked as "<3" in each child where the reader may not see sensitive data (`sensitive` is their Scope)."""
    layers = [layer for layer in LAYERS if key_care_shown or layer != "key_care"]
    features = []
    for feature in data["features"]:
        properties = dict(feature["properties"])
        key_care = properties.pop("key_care")
        if key_care_shown:
            hidden = 0 < key_care < KEY_CARE_SHOWN_FROM and not sensitive.contains({**ancestry, data["child_level"]: feature["id"]})
            properties["key_care"] = MASKED if hidden else key_care
        features.append({**feature, "properties": properties})
    return {**data, "layers": layers, "features": features}
