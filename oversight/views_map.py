"""The people's-situation map (民情地图) of a district, street, community or grid, and household coverage per node."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from governance import selectors as governance_selectors
from governance.roles import Capability, Level
from oversight.selectors import COVERAGE_CHILD, coverage_for, situation_map_for
from oversight.situation import LAYER_LABELS


def coverage(request, level, pk):
    if level not in COVERAGE_CHILD:
        raise Http404
    return render(request, "oversight/coverage.html", coverage_for(request.user, level, pk))


def situation_map(request, level, pk):
    """The map coloured by one layer (?layer=), with the same figures in a table below for readers without JavaScript."""
    node, data = situation_map_for(request.user, level, pk)
    layer = request.GET.get("layer")
    if layer not in data["layers"]:
        layer = data["layers"][0]
    child_level = data["child_level"]
    # Links the script fills with an id: a child's map (or a building's page) one tap away.
    links = {
        "child": reverse("building-households", args=[0]) if child_level == Level.BUILDING else reverse("situation-map", args=[child_level, 0]),
        "building": reverse("building-households", args=[0]),
    }
    context = {
        "node": node,
        "level": level,
        "data": data,
        "layer": layer,
        "layers": [(name, LAYER_LABELS[name]) for name in data["layers"]],
        "child_level": child_level,
        "script": {"layer": layer, "labels": {name: LAYER_LABELS[name] for name in data["layers"]}, "links": links},
        "breadcrumbs": governance_selectors.ancestor_list_for(request.user, node, Capability.VIEW_FIGURES),
    }
    return render(request, "oversight/situation_map.html", context)
