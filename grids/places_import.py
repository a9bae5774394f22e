"""GeoJSON import of places: every feature is checked, then all are written in one transaction or none are.

A file is one FeatureCollection. Polygon and MultiPolygon features outline the node whose division code is in
`properties.code` (6 digits: city when it ends with 00, district otherwise; 12 digits: street when it ends with 000,
community otherwise; 15 digits: grid).
Point features place a building, named by `properties.grid` (the grid's 15-digit code) and `properties.number` (its
number in the grid), or by `properties.building_id`. Features are numbered from 1 in file order in the problem list.
"""

import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from governance.audit import audit_record
from governance.models import AuditEntry, City, Community, District, Street
from governance.roles import Capability, Level
from governance.scope import scope_for
from grids.models import Building, Grid
from grids.places import BBOX_FIELDS, city_outlines_derive, gcj02_to_wgs84, outline_fields, outline_parse, outlines_derive, point_check

# A district's 10,000 building points and 600 outlines take about 3 MB; the bound is checked before parsing.
MAX_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 30_000
# Problems listed for one file: beyond this the file is surely the wrong one.
MAX_PROBLEMS = 500

AREA_MODELS = {Level.CITY: City, Level.DISTRICT: District, Level.STREET: Street, Level.COMMUNITY: Community, Level.GRID: Grid}


@dataclass
class PlacesImportResult:
    """What an import did: the counts written per level, or the problems found (feature number or None, message)."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _no_constant(name):
    raise ValueError(name)


def places_read(upload) -> dict:
    """The parsed FeatureCollection of an uploaded (or opened) file, refused by size before any byte is parsed."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB; split it by street.") % {"mb": MAX_BYTES // (1024 * 1024)})
    upload.seek(0)
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB; split it by street.") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        # NaN and Infinity are not JSON; a very deep nesting is refused by the parser (RecursionError), not the server.
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise ValidationError(_("This is not a GeoJSON file (it is not valid JSON in UTF-8).")) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        raise ValidationError(_("The file must be a GeoJSON FeatureCollection."))
    if not data["features"]:
        raise ValidationError(_("The file has no features."))
    if len(data["features"]) > MAX_FEATURES:
        raise ValidationError(_("The file has more than %(count)d features; split it by street.") % {"count": MAX_FEATURES})
    return data


def _area_level(code) -> str | None:
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]+", code):
        return None
    if len(code) == 15:
        return Level.GRID
    if len(code) == 12:
        return Level.STREET if code.endswith("000") else Level.COMMUNITY
    if len(code) == 6:
        return Level.CITY if code.endswith("00") else Level.DISTRICT
    return None


def _positive_int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**31 - 1 else None


@dataclass
class _Checked:
    # (feature number, level, code) -> shapely outline, and (feature number, key) -> (lon, lat).
    outlines: list[tuple[int, str, str, object]] = field(default_factory=list)
    points: list[tuple[int, tuple, tuple[float, float]]] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)


def _check_features(features, *, gcj02: bool) -> _Checked:
    """Shape checks of each feature on its own (no database)."""
    checked = _Checked()
    for number, feature in enumerate(features, start=1):
        try:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise ValidationError(_("This is not a GeoJSON Feature."))
            properties, geometry = feature.get("properties"), feature.get("geometry")
            if not isinstance(properties, dict):
                raise ValidationError(_("The feature has no properties: it needs a code, or a grid code and a building number."))
            if not isinstance(geometry, dict):
                raise ValidationError(_("The feature has no geometry."))
            if geometry.get("type") == "Point":
                checked.points.append((number, _building_key(properties), _point(geometry.get("coordinates"), gcj02=gcj02)))
            else:
                level = _area_level(properties.get("code"))
                if level is None:
                    raise ValidationError(
                        _("An outline needs properties.code: a 15-digit grid code, a 12-digit street or community code or a 6-digit district or city code.")
                    )
                checked.outlines.append((number, level, properties["code"], outline_parse(geometry, gcj02=gcj02)))
        except ValidationError as exc:
            checked.problems.append((number, " ".join(exc.messages)))
    return checked


def _building_key(properties) -> tuple:
    building_id = properties.get("building_id")
    if building_id is not None:
        if _positive_int(building_id) is None:
            raise ValidationError(_("properties.building_id must be a whole number."))
        return ("id", building_id)
    grid, number = properties.get("grid"), _positive_int(properties.get("number"))
    if _area_level(grid) != Level.GRID or number is None or number > 32767:
        raise ValidationError(
            _("A building point needs properties.grid (the 15-digit grid code) and properties.number (its number in the grid), or properties.building_id.")
        )
    return ("number", grid, number)


def _point(coordinates, *, gcj02: bool) -> tuple[float, float]:
    if not isinstance(coordinates, list) or len(coordinates) not in (2, 3):
        raise ValidationError(_("A point's coordinates must be [longitude, latitude]."))
    lon, lat = point_check(coordinates[0], coordinates[1])
    return gcj02_to_wgs84(lon, lat) if gcj02 else (lon, lat)


def _manageable(actor, model):
    """The rows of `model` the actor may place: any for the command line (no actor), else those they manage."""
    return model.objects.all() if actor is None else model.objects.visible_to(actor, Capability.MANAGE_HIERARCHY)


def _resolve(actor, checked: _Checked):
    """Load the named nodes in a few queries; a node outside the actor's area reads as missing."""
    nodes: dict[tuple, object] = {}
    for level, model in AREA_MODELS.items():
        codes = {code for _n, lvl, code, _g in checked.outlines if lvl == level}
        if codes:
            nodes.update({(level, node.code): node for node in _manageable(actor, model).filter(code__in=codes)})
    ids = {key[1] for _n, key, _p in checked.points if key[0] == "id"}
    pairs = {key[1:] for _n, key, _p in checked.points if key[0] == "number"}
    if ids or pairs:
        query = Q(pk__in=ids) | Q(grid__code__in={grid for grid, _number in pairs})
        for building in _manageable(actor, Building).filter(query).select_related("grid"):
            nodes[("id", building.pk)] = building
            nodes[("number", building.grid.code, building.number)] = building
    return nodes


def _missing(level: str, code: str) -> str:
    names = {Level.CITY: _("city"), Level.DISTRICT: _("district"), Level.STREET: _("street"), Level.COMMUNITY: _("community"), Level.GRID: _("grid")}
    return _("No %(level)s with code %(code)s in your area.") % {"level": names[level], "code": code}


def _common_ancestry(nodes) -> dict:
    """The deepest place in the tree above every written node: where the import's audit row belongs."""
    common = None
    for node in nodes:
        ancestry = {level: node_id for level, node_id in node.ancestry().items() if node_id is not None}
        common = ancestry if common is None else {level: node_id for level, node_id in common.items() if ancestry.get(level) == node_id}
    return common or {}


def places_import(*, actor, collection: dict, file_name: str = "", gcj02: bool = False) -> PlacesImportResult:
    """Check every feature of `collection` (as read by places_read), then write all of them or, on any problem, nothing.

    `actor` None is the command line (the whole database); a person places only nodes where they manage the hierarchy.
    Afterwards the outlines of communities, streets, districts and cities without an imported one are derived from their children.
    """
    if actor is not None and scope_for(actor, Capability.MANAGE_HIERARCHY).is_empty:
        raise PermissionDenied(_("You may not change this part of the hierarchy."))
    checked = _check_features(collection["features"], gcj02=gcj02)
    nodes = _resolve(actor, checked)
    problems = checked.problems
    seen: dict[tuple, int] = {}
    outlines: dict[int, object] = {}
    writes: list[tuple[object, dict]] = []
    for number, level, code, geometry in checked.outlines:
        node = nodes.get((level, code))
        if node is None:
            problems.append((number, _missing(level, code)))
        elif (level, node.pk) in seen:
            problems.append((number, _("This node was already given by feature %(first)d.") % {"first": seen[(level, node.pk)]}))
        else:
            seen[(level, node.pk)] = number
            writes.append((node, outline_fields(geometry)))
            if level == Level.GRID:
                outlines[node.pk] = geometry
    for number, key, (lon, lat) in checked.points:
        building = nodes.get(key)
        if building is None:
            problems.append((number, _("No building %(which)s in your area.") % {"which": f"#{key[1]}" if key[0] == "id" else f"{key[1]}-{key[2]}"}))
            continue
        if (Level.BUILDING, building.pk) in seen:
            problems.append((number, _("This node was already given by feature %(first)d.") % {"first": seen[(Level.BUILDING, building.pk)]}))
            continue
        seen[(Level.BUILDING, building.pk)] = number
        grid_outline = outlines.get(building.grid_id)
        if grid_outline is None and building.grid.geometry:
            grid_outline = shape(building.grid.geometry)
        if grid_outline is not None and not grid_outline.covers(Point(lon, lat)):
            problems.append((number, _("This point lies outside the outline of grid %(grid)s.") % {"grid": building.grid.code}))
            continue
        writes.append((building, {"lon": lon, "lat": lat}))
    if problems:
        problems.sort(key=lambda problem: problem[0] or 0)
        return PlacesImportResult(problems=problems[:MAX_PROBLEMS])
    return _write(actor=actor, writes=writes, file_name=file_name, gcj02=gcj02)


@transaction.atomic
def _write(*, actor, writes, file_name: str, gcj02: bool) -> PlacesImportResult:
    by_model: dict[type, list] = {}
    for node, values in writes:
        for name, value in values.items():
            setattr(node, name, value)
        by_model.setdefault(type(node), []).append(node)
    counts = {}
    for model, rows in by_model.items():
        model.objects.bulk_update(rows, ["lon", "lat"] if model is Building else BBOX_FIELDS, batch_size=500)
        counts[model.LEVEL] = len(rows)
    # Nodes by their district, and a city's own outline by its city.
    by_place: dict[tuple[str, int], list] = {}
    for node, _values in writes:
        ancestry = node.ancestry()
        place = (Level.DISTRICT, ancestry[Level.DISTRICT]) if Level.DISTRICT in ancestry else (Level.CITY, ancestry[Level.CITY])
        by_place.setdefault(place, []).append(node)
    district_ids = {node_id for level, node_id in by_place if level == Level.DISTRICT}
    counts["derived"] = outlines_derive(district_ids=district_ids) + city_outlines_derive(district_ids=district_ids)
    # One audit row per district (or city outline) touched, at the deepest node above everything written there.
    for place_nodes in by_place.values():
        ancestry = _common_ancestry(place_nodes)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=_audit_target(ancestry),
            changes={
                "places_import": [None, file_name[:200] or "-"],
                "gcj02": [None, gcj02],
                **{level: [None, count] for level, count in sorted(counts.items())},
            },
            ancestry=ancestry,
        )
    return PlacesImportResult(counts=counts)


def _audit_target(ancestry: dict):
    """The node the import's audit row names: the deepest one above everything written."""
    for level in (Level.BUILDING, Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY):
        if level in ancestry:
            model = Building if level == Level.BUILDING else AREA_MODELS[level]
            return model.objects.get(pk=ancestry[level])
    raise ValueError("Every node has a district or is a city.")
