"""考核: scores per community and per grid worker computed from the records, with weights per year.

Each indicator is a rate from 0 to 100. Rate indicators that depend on requests (acceptance, on-time,
satisfaction) are left out for a unit with fewer requests than the plan's minimum, and its score is the
weighted mean of the indicators it has; such units are marked "not ranked on rates". Each row carries
its breakdown: the points each indicator adds to the score. Volunteer hours are scaled against the best
community. Open requests (待办诉求) are those open now, whatever their deadline. Every figure is a grouped
aggregate: one query per kind.
"""

import datetime as dt

from django.db.models import Count, Q, Sum

from core.dates import year_window
from governance.models import Membership
from governance.roles import Role
from households.models import Household
from households.selectors import coverage_by
from oversight.figures import figure_counts
from oversight.models import AssessmentPlan, Indicator
from party_building.models import LinkageDuty
from resident_requests.lifecycle import OPEN
from resident_requests.models import ResidentRequest
from volunteers.models import PointsEntry

RATE_KEYS = {Indicator.Key.ACCEPTANCE, Indicator.Key.ON_TIME, Indicator.Key.SATISFACTION}
# Requests open now (待办), counted beside each unit's figures of the year.
OPEN_NOW = Count("pk", filter=Q(status__in=OPEN))
# What a grid worker is scored on: their grid's visits and the requests they handled.
WORKER_KEYS = {Indicator.Key.VISIT_COVERAGE, Indicator.Key.KEY_CARE, Indicator.Key.ON_TIME, Indicator.Key.SATISFACTION}
DEFAULT_WEIGHTS = {
    Indicator.Key.VISIT_COVERAGE: 20,
    Indicator.Key.KEY_CARE: 15,
    Indicator.Key.ACCEPTANCE: 10,
    Indicator.Key.ON_TIME: 20,
    Indicator.Key.SATISFACTION: 20,
    Indicator.Key.VOLUNTEER_HOURS: 10,
    Indicator.Key.LINKAGE: 5,
}


def plan_for(year: int) -> AssessmentPlan:
    """The year's plan, created with the default weights the first time it is asked for."""
    plan, created = AssessmentPlan.objects.get_or_create(year=year)
    if created:
        Indicator.objects.bulk_create([Indicator(plan=plan, key=key, weight=weight) for key, weight in DEFAULT_WEIGHTS.items()])
    return plan


def _pct(top, bottom):
    return round(100 * top / bottom, 1) if bottom else None


def _scored(values: dict, weights: dict, *, rates_ok: bool) -> dict:
    """The score (weighted mean of the indicators used) and its breakdown: the points each indicator adds, None where unused."""
    used = {key: value for key, value in values.items() if value is not None and key in weights and (rates_ok or key not in RATE_KEYS)}
    total = sum(weights[key] for key in used)
    points = {key: round(used[key] * weights[key] / total, 1) if key in used else None for key in values}
    return {"score": round(sum(used[key] * weights[key] for key in used) / total, 1) if total else None, "points": points}


def _visit_figures_by(key: str, **where) -> dict:
    """Household coverage figures grouped by `key` (a grid or community id)."""
    return {row[key]: row for row in coverage_by(Household.objects.filter(**where), key)}


def _shared_values(homes: dict, requests: dict) -> dict:
    """The indicators communities and grid workers share, from one row of household and one of request figures."""
    return {
        Indicator.Key.VISIT_COVERAGE: _pct(homes.get("visited_90", 0), homes.get("registered", 0)),
        Indicator.Key.KEY_CARE: _pct(homes.get("key_care_on_time", 0), homes.get("key_care_total", 0)),
        Indicator.Key.ON_TIME: _pct(requests.get("on_time", 0), requests.get("due", 0)),
        Indicator.Key.SATISFACTION: _pct(requests.get("satisfied", 0), requests.get("rated", 0)),
    }


def community_scores(communities, *, year: int) -> list[dict]:
    plan = plan_for(year)
    weights = {i.key: i.weight for i in plan.indicators.all()}
    start, end = year_window(year)
    ids = [c.pk for c in communities]
    homes = _visit_figures_by("grid__community", grid__community__in=ids)
    reqs = {
        row["grid__community"]: row
        for row in ResidentRequest.objects.filter(grid__community__in=ids)
        .values("grid__community")
        .annotate(**figure_counts(start=start, end=end), open=OPEN_NOW)
    }
    hours = dict(
        PointsEntry.objects.filter(volunteer__community__in=ids, created_at__gte=start, created_at__lt=end)
        .values("volunteer__community")
        .annotate(h=Sum("hours"))
        .values_list("volunteer__community", "h")
    )
    duties = dict(LinkageDuty.objects.filter(community__in=ids).values("community").annotate(n=Count("pk")).values_list("community", "n"))
    visited_duties = dict(
        LinkageDuty.objects.filter(community__in=ids, records__held_on__gte=dt.date(year, 1, 1), records__held_on__lt=dt.date(year + 1, 1, 1)).values("community").annotate(n=Count("pk", distinct=True)).values_list("community", "n")
    )  # fmt: skip
    per_household = {c.pk: float(hours.get(c.pk) or 0) / max(homes.get(c.pk, {}).get("registered", 0), 1) for c in communities}
    best = max(per_household.values(), default=0) or 1
    rows = []
    for community in communities:
        h, r = homes.get(community.pk, {}), reqs.get(community.pk, {})
        values = {
            **_shared_values(h, r),
            Indicator.Key.ACCEPTANCE: _pct(r.get("accepted", 0), r.get("submitted", 0)),
            Indicator.Key.VOLUNTEER_HOURS: round(100 * per_household[community.pk] / best, 1),
            Indicator.Key.LINKAGE: _pct(visited_duties.get(community.pk, 0), duties.get(community.pk, 0)),
        }
        rates_ok = r.get("submitted", 0) >= plan.min_requests
        rows.append(
            {
                "community": community,
                "values": values,
                "requests": r.get("submitted", 0),
                "open_requests": r.get("open", 0),
                "rates_ok": rates_ok,
                **_scored(values, weights, rates_ok=rates_ok),
            }
        )
    return _ranked(rows)


def worker_scores(grids, *, year: int) -> list[dict]:
    """Full-time grid workers: their grid's visit figures and the requests they handled (open ones: in their hands now)."""
    plan = plan_for(year)
    weights = {i.key: i.weight for i in plan.indicators.all() if i.key in WORKER_KEYS}
    start, end = year_window(year)
    workers = list(Membership.objects.filter(grid__in=grids, role=Role.GRID_WORKER).select_related("user", "grid"))
    homes = _visit_figures_by("grid", grid__in=grids)
    handled = {
        row["handler"]: row
        for row in ResidentRequest.objects.filter(handler__in=[w.user_id for w in workers])
        .values("handler")
        .annotate(**figure_counts(start=start, end=end), open=OPEN_NOW)
    }
    rows = []
    for worker in workers:
        h, r = homes.get(worker.grid_id, {}), handled.get(worker.user_id, {})
        values = _shared_values(h, r)
        rates_ok = r.get("due", 0) >= plan.min_requests
        rows.append(
            {
                "worker": worker.user,
                "grid": worker.grid,
                "values": values,
                "requests": r.get("due", 0),
                "open_requests": r.get("open", 0),
                "rates_ok": rates_ok,
                **_scored(values, weights, rates_ok=rates_ok),
            }
        )
    return _ranked(rows)


def _ranked(rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda row: (row["score"] is None, -(row["score"] or 0)))
    for position, row in enumerate(rows, start=1):
        row["rank"] = position if row["score"] is not None else None
    return rows
