"""Reads of the district's view, shared by the pages and the API so that both show the same figures for the same caller."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from core.dates import days_window
from core.params import BadQuery
from governance import selectors as governance_selectors
from governance.models import Community
from governance.permissions import can_see_oversight
from governance.roles import Capability, Level
from governance.scope import get_in_scope_or_404, scope_for
from grids.models import Grid
from households import selectors as ledger
from oversight import assessment, situation
from oversight.dashboards import THROUGH_GRID
from oversight.figures import request_figures
from oversight.models import MonthlyReport
from resident_requests.models import ResidentRequest

# Child grouping of the coverage table at each level.
COVERAGE_CHILD = {
    Level.CITY: ("grid__district", "grid__district__name"),
    Level.DISTRICT: ("grid__street", "grid__street__name"),
    Level.STREET: ("grid__community", "grid__community__name"),
    Level.COMMUNITY: ("grid", "grid__name"),
    Level.GRID: ("building", "building__name"),
}
COVERAGE_CHILD_LEVEL = {
    "grid__district": Level.DISTRICT,
    "grid__street": Level.STREET,
    "grid__community": Level.COMMUNITY,
    "grid": Level.GRID,
    "building": Level.BUILDING,
}


def coverage_for(user, level: str, pk: int) -> dict:
    """Household coverage of one node of the caller's figures ("一户不落"), with a row per child; 404 outside their area."""
    node = governance_selectors.figures_node_get_for(user, level, pk)
    households = ledger.household_list_for(user).filter(**{THROUGH_GRID[level]: node}).prefetch_related(None)
    key, label = COVERAGE_CHILD[level]
    return {
        "node": node,
        "level": level,
        "figures": ledger.coverage(households),
        "rows": [{**row, "name": row[label], "id": row[key]} for row in ledger.coverage_by(households, key, label)],
        "child_level": COVERAGE_CHILD_LEVEL[key],
    }


def situation_map_for(user, level: str, pk) -> tuple[object, dict]:
    """The people's-situation map of one node of the caller's figures, as they may read it, with when it was counted
    (`as_of`); 404 outside their area."""
    if level not in THROUGH_GRID:
        raise Http404
    node = governance_selectors.figures_node_get_for(user, level, pk)
    ancestry = node.ancestry()
    figures, as_of = situation.map_for(node)
    data = situation.map_for_reader(
        figures,
        ancestry=ancestry,
        key_care_shown=scope_for(user, Capability.VIEW_LEDGER).contains(ancestry),
        sensitive=scope_for(user, Capability.VIEW_SENSITIVE),
    )
    return node, {**data, "as_of": as_of}


def request_figures_for(user, *, start: dt.date, end: dt.date, level: str = "", pk: int | None = None) -> tuple[object, list[dict]]:
    """受理率, 办结率 and the other rates of the caller's area, or of one node of it, from `start` to `end` inclusive."""
    # Figures of the user's area only: requests dispatched to them by name (a volunteer) are not figures of theirs.
    if scope_for(user, Capability.VIEW_FIGURES).is_empty:
        raise PermissionDenied
    requests = ResidentRequest.objects.visible_to(user, Capability.VIEW_FIGURES)
    node = None
    if level and pk is not None:
        node = governance_selectors.figures_node_get_for(user, level, pk)
        requests = requests.filter(**{THROUGH_GRID[level]: node})
    since, until = days_window(start, end)
    return node, request_figures(requests, start=since, end=until)


def assessment_for(user, year: int) -> dict:
    """The year's plan and the ranking of the communities and full-time grid workers the caller oversees."""
    if not can_see_oversight(user):
        raise PermissionDenied
    communities = list(Community.objects.visible_to(user, Capability.VIEW_OVERSIGHT).order_by("code"))
    grids = Grid.objects.visible_to(user, Capability.VIEW_OVERSIGHT)
    plan = assessment.plan_for(year)
    indicators = list(plan.indicators.all())
    return {
        "year": year,
        "plan": plan,
        "indicators": indicators,
        "worker_indicators": [indicator for indicator in indicators if indicator.key in assessment.WORKER_KEYS],
        "communities": assessment.community_scores(communities, year=year),
        "workers": assessment.worker_scores(grids, year=year),
    }


def _reports_of(user):
    return MonthlyReport.objects.visible_to(user, Capability.VIEW_OVERSIGHT).select_related("city", "district", "street", "community")


# Which reports are a level's own: a street's report also names its district, a community's its street.
REPORT_LEVELS = {
    Level.CITY: Q(city__isnull=False),
    Level.DISTRICT: Q(district__isnull=False, street__isnull=True),
    Level.STREET: Q(street__isnull=False, community__isnull=True),
    Level.COMMUNITY: Q(community__isnull=False),
}


def report_level(params) -> str:
    """The archive's `level` filter ("" for every level); anything else than a level with reports is a 400."""
    level = params.get("level", "")
    if level and level not in REPORT_LEVELS:
        raise BadQuery(_("Choose the level from the list: city, district, street or community."))
    return level


def monthly_report_list_for(user, *, level: str = ""):
    """The monthly reports of the caller's area (of one level when given), newest month first; only those who see the
    oversight pages may ask."""
    if not can_see_oversight(user):
        raise PermissionDenied
    reports = _reports_of(user)
    return reports.filter(REPORT_LEVELS[level]) if level else reports


def monthly_report_get_for(user, pk):
    """One report of the caller's area; missing and out-of-scope ones answer 404 alike."""
    return get_in_scope_or_404(_reports_of(user), pk=pk)
