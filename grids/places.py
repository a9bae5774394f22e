"""Places: where each building stands and what area each grid, community, street, district and city covers.

Outlines are stored as GeoJSON (WGS84 longitude, latitude) with their bounding box in four indexed columns, so that a
point look-up asks SQL for the few grids whose box holds the point and lets shapely decide among them: no spatial
database, and SQLite keeps working. CGCS2000 (天地图) and WGS84 differ by centimetres here and are treated as one.
GCJ-02 (高德, 腾讯) coordinates are converted to WGS84 on input and never stored.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

import prcoords
import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape

from governance.models import City, Community, District, Street
from governance.roles import Level
from grids.models import Building, Grid

# Mean Earth radius (IUGG): the haversine distance is within 0.5% of the ellipsoidal one, plenty inside a grid.
EARTH_RADIUS_M = 6_371_008.8
# An outline with more vertices than this is a drawing error or an attack, not a grid boundary.
MAX_VERTICES = 20_000
OUTLINE_TYPES = ("Polygon", "MultiPolygon")
BBOX_FIELDS = ["geometry", "geometry_derived", "min_lon", "min_lat", "max_lon", "max_lat"]
# The parent column each level's features name (the columns a feature needs; outlines are the heavy part).
PLACE_PARENT = {Level.STREET: "district_id", Level.COMMUNITY: "street_id", Level.GRID: "community_id"}


class OutsideDistrict(ValidationError):
    """The point lies in no grid (of the district, or of the caller's area when a user is given)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("This place is outside the district: it lies in none of its grids."), code="outside")


@dataclass(frozen=True)
class PlaceMatch:
    """The grid holding a point and the nearest placed building of that grid (None when the grid has none)."""

    grid: Grid
    building: Building | None
    distance_m: float | None
    # The WGS84 point that was looked up (after any GCJ-02 conversion).
    lon: float
    lat: float


def point_check(lon, lat) -> tuple[float, float]:
    """Refuse a point that is not a real longitude and latitude (NaN, infinite, out of range, not a number)."""
    if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, int | float) or not isinstance(lat, int | float):
        raise ValidationError(_("Coordinates must be numbers."), code="coordinates")
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(_("Longitude must be from -180 to 180 and latitude from -90 to 90."), code="coordinates")
    return float(lon), float(lat)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 of a GCJ-02 point (高德, 腾讯), by prcoords' iterative inverse (better than a millimetre).

    Outside mainland China's box GCJ-02 is not shifted, so the point is returned as it is.
    """
    gcj = prcoords.Coords(lat, lon)
    if not prcoords.sanity_in_china_p(gcj):
        return lon, lat
    wgs = prcoords.gcj_wgs_bored(gcj)
    return wgs.lon, wgs.lat


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _position(value, convert) -> tuple[float, float]:
    # GeoJSON positions are [lon, lat] with an optional altitude, which is dropped.
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ValidationError(_("Each position must be [longitude, latitude]."), code="outline")
    lon, lat = point_check(value[0], value[1])
    return convert(lon, lat) if convert else (lon, lat)


def _ring(value, convert, budget: list[int]) -> list[tuple[float, float]]:
    if not isinstance(value, list) or len(value) < 4:
        raise ValidationError(_("Each ring of a polygon needs at least 4 positions, the last one equal to the first."), code="outline")
    budget[0] -= len(value)
    if budget[0] < 0:
        raise ValidationError(_("An outline may have at most %(count)d vertices.") % {"count": MAX_VERTICES}, code="outline")
    ring = [_position(item, convert) for item in value]
    if ring[0] != ring[-1]:
        raise ValidationError(_("Each ring of a polygon must end where it starts."), code="outline")
    return ring


def _polygon(value, convert, budget: list[int]) -> Polygon:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("A polygon is a list of rings: the outer one first, then any holes."), code="outline")
    rings = [_ring(item, convert, budget) for item in value]
    return Polygon(rings[0], rings[1:])


def outline_parse(data, *, gcj02: bool = False):
    """A checked shapely Polygon or MultiPolygon from a GeoJSON geometry, in WGS84.

    The structure is checked by hand before shapely sees it, so that hostile input gives a message, never an exception.
    """
    if not isinstance(data, dict) or data.get("type") not in OUTLINE_TYPES:
        raise ValidationError(_("An outline must be a GeoJSON Polygon or MultiPolygon."), code="outline")
    convert = gcj02_to_wgs84 if gcj02 else None
    budget = [MAX_VERTICES]
    coordinates = data.get("coordinates")
    if data["type"] == "Polygon":
        geometry = _polygon(coordinates, convert, budget)
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(_("A multipolygon is a list of polygons."), code="outline")
        geometry = MultiPolygon([_polygon(item, convert, budget) for item in coordinates])
    if not geometry.is_valid:
        raise ValidationError(
            _("The outline is not a valid polygon (%(reason)s); redraw it without crossing edges.") % {"reason": shapely.is_valid_reason(geometry)},
            code="outline",
        )
    if geometry.is_empty or geometry.area == 0:
        raise ValidationError(_("The outline encloses no area."), code="outline")
    return geometry


def outline_fields(geometry, *, derived: bool = False) -> dict:
    """The stored columns of an outline: its GeoJSON and its bounding box."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    data = mapping(geometry)
    # Lists, not tuples: the value compares equal to what the JSON column gives back.
    data = {"type": data["type"], "coordinates": _lists(data["coordinates"])}
    return {"geometry": data, "geometry_derived": derived, "min_lon": min_lon, "min_lat": min_lat, "max_lon": max_lon, "max_lat": max_lat}


def _lists(value):
    return [_lists(item) for item in value] if isinstance(value, list | tuple) else value


def _covering_grid(grids, point):
    return next((grid for grid in grids if shape(grid.geometry).covers(point)), None)


def place_feature(level: str, node) -> dict:
    """A GeoJSON Feature of a node: a building's point or an area's outline (null geometry when it has none yet)."""
    if level == Level.BUILDING:
        geometry = None if node.lon is None else {"type": "Point", "coordinates": [node.lon, node.lat]}
        properties = {"level": level, "name": node.name, "number": node.number, "address": node.address, "grid": node.grid.pk, "grid_code": node.grid.code}
    else:
        geometry = node.geometry
        properties = {"level": level, "name": node.name, "code": node.code, "derived": node.geometry_derived}
        if level in PLACE_PARENT:
            properties["parent"] = getattr(node, PLACE_PARENT[level])
    return {"type": "Feature", "id": node.pk, "geometry": geometry, "properties": properties}


def place_locate(*, lon: float, lat: float, gcj02: bool = False, user=None) -> PlaceMatch:
    """The grid containing the point (its boundary included) and the grid's nearest placed building, with its distance.

    Where grids share a border, the one with the lowest code answers, always the same. With `user`, only grids in the
    user's area are considered (and a point elsewhere is "outside", whether or not another area holds it).
    Raises ValidationError for a point that is not one, OutsideDistrict for a point in no grid.
    """
    lon, lat = point_check(lon, lat)
    if gcj02:
        lon, lat = gcj02_to_wgs84(lon, lat)
    grids = Grid.objects.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)
    if user is not None:
        grids = grids.visible_to(user)
    grids = grids.only("id", "name", "code", "community_id", "street_id", "district_id", "geometry").order_by("code")
    grid = _covering_grid(grids, Point(lon, lat))
    if grid is None:
        raise OutsideDistrict(_("This place is in none of the grids of your area.") if user is not None else None)
    buildings = Building.objects.filter(grid=grid, lon__isnull=False, lat__isnull=False).only("id", "name", "number", "grid_id", "lon", "lat")
    nearest = min(((distance_m(lon, lat, item.lon, item.lat), item.number, item) for item in buildings), default=None, key=lambda found: found[:2])
    if nearest is None:
        return PlaceMatch(grid=grid, building=None, distance_m=None, lon=lon, lat=lat)
    building = nearest[2]
    building.grid = grid
    return PlaceMatch(grid=grid, building=building, distance_m=round(nearest[0], 1), lon=lon, lat=lat)


def patrol_map(patrol) -> dict | None:
    """What the patrol page draws: the grid's outline (GeoJSON), the track and the start and end points; None when nothing is placed."""
    points = {"start": [patrol.start_lon, patrol.start_lat], "end": [patrol.end_lon, patrol.end_lat]}
    points = {name: point for name, point in points.items() if point[0] is not None}
    track = [[lon, lat] for _at, lon, lat in patrol.track]
    if patrol.grid.geometry is None and not points and not track:
        return None
    return {"name": patrol.grid.name, "outline": patrol.grid.geometry, "track": track, "points": points}


# Each level whose outline may be the union of its children's: (model, child model, the child's parent column).
DERIVED_LEVELS = ((Community, Grid, "community_id"), (Street, Community, "street_id"), (District, Street, "district_id"))


def _outlines_union(parents: list, outlines: dict) -> list:
    """Give each parent the union of its children's `outlines` (parent id -> shapes) as a derived outline."""
    for parent in parents:
        union = shapely.union_all(outlines[parent.pk])
        for name, value in outline_fields(union, derived=True).items():
            setattr(parent, name, value)
    return parents


def outlines_derive(*, district_ids=None) -> int:
    """Outline each community, street and district that has none, or a derived one, as the union of its children's.

    Imported outlines are kept; derived ones are recomputed, lowest level first so that the next level sees them.
    Returns the number of outlines written. Cities follow with city_outlines_derive.
    """
    written = 0
    for model, child, parent_column in DERIVED_LEVELS:
        children = child.objects.filter(geometry__isnull=False)
        if district_ids is not None:
            children = children.filter(district_id__in=district_ids)
        outlines = defaultdict(list)
        for parent_id, geometry in children.values_list(parent_column, "geometry").order_by(parent_column, "pk"):
            outlines[parent_id].append(shape(geometry))
        parents = _outlines_union(list(model.objects.filter(Q(geometry__isnull=True) | Q(geometry_derived=True), pk__in=list(outlines))), outlines)
        model.objects.bulk_update(parents, BBOX_FIELDS, batch_size=500)
        written += len(parents)
    return written


@transaction.atomic
def city_outlines_derive(*, district_ids=None, city_ids=None) -> int:
    """Outline each city (of `district_ids` or `city_ids`, else every one) that has none, or a derived one, as the union
    of its districts'; a derived outline with no district outline left under it is cleared.

    A step of its own, called in a short transaction: the city's row is shared by every district's work.
    Returns the number of outlines written.
    """
    cities = City.objects.filter(Q(geometry__isnull=True) | Q(geometry_derived=True))
    if district_ids is not None:
        cities = cities.filter(pk__in=District.objects.filter(pk__in=district_ids).values("city_id"))
    if city_ids is not None:
        cities = cities.filter(pk__in=city_ids)
    # Locked before their districts are read: a concurrent import in another district waits, then reads this one's outline.
    cities = list(cities.select_for_update().order_by("pk"))
    outlines = defaultdict(list)
    districts = District.objects.filter(city__in=cities, geometry__isnull=False).order_by("city_id", "pk")
    for city_id, geometry in districts.values_list("city_id", "geometry"):
        outlines[city_id].append(shape(geometry))
    parents = _outlines_union([city for city in cities if city.pk in outlines], outlines)
    # Its last outlined district deleted or moved away: the union of nothing is no outline.
    emptied = [city for city in cities if city.pk not in outlines and city.geometry_derived]
    for city in emptied:
        for name in BBOX_FIELDS:
            setattr(city, name, False if name == "geometry_derived" else None)
    City.objects.bulk_update(parents + emptied, BBOX_FIELDS, batch_size=500)
    return len(parents) + len(emptied)
