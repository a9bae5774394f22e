"""The district's (and the city's) view: figures for any node and period, computed by aggregate queries and cached.

Every figure is counted in the database; nothing loops over rows: a city's figures are the same queries over its
districts, with the rows below grouped by district. A Celery job refreshes the cached
figures of cities, districts, streets and communities for the current month and year every five
minutes, so the pages read at most five-minute-old data and say "as of" when.
"""

import datetime as dt
import io
import logging

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook

from cadres.selectors import mentoring_figures
from community_services.selectors import booking_figures
from core import xlsx
from core.cache import cache
from core.dates import day_start, days_window, month_start, period_bounds
from deliberation.selectors import deliberation_figures
from duties.selectors import DENOMINATOR, duty_rows, task_figures
from governance.models import City, Community, District, Street
from governance.roles import Level
from governance.selectors import NODE_MODELS
from households.models import Household, Visit
from households.selectors import COVERAGE_LABELS, coverage, coverage_by
from oversight.figures import request_figures
from oversight.rollups import next_month, rolled_trend
from party_building.linkage import compliance
from party_building.models import DemandItem, LinkageDuty, Project, ResourceItem
from resident_requests.lifecycle import OPEN, Status
from resident_requests.models import ResidentRequest
from resident_requests.selectors import OVERDUE_COLUMNS, overdue_rows
from volunteers.models import PointsEntry, PostClaim, ReportingUnit, ReviewStatus, Volunteer, Wish

CACHE_SECONDS = 600
FRESH_SECONDS = 300
# Long enough for the slowest district's figures; a request that died holding it frees it after this.
RECOMPUTE_LOCK_SECONDS = 60
logger = logging.getLogger(__name__)
# How requests, households, visits and volunteers reach each level of the tree.
THROUGH_GRID = {
    Level.CITY: "grid__district__city",
    Level.DISTRICT: "grid__district",
    Level.STREET: "grid__street",
    Level.COMMUNITY: "grid__community",
    Level.GRID: "grid",
}
THROUGH_COMMUNITY = {
    Level.CITY: "community__district__city",
    Level.DISTRICT: "community__district",
    Level.STREET: "community__street",
    Level.COMMUNITY: "community",
}
# The level below each node on its dashboard, and the column that groups households and requests by it.
CHILD = {
    Level.CITY: (Level.DISTRICT, "grid__district"),
    Level.DISTRICT: (Level.STREET, "grid__street"),
    Level.STREET: (Level.COMMUNITY, "grid__community"),
    Level.COMMUNITY: (Level.GRID, "grid"),
}


def compute(node, start: dt.date, end: dt.date) -> dict:
    """All figures of one node and period."""
    level = node.LEVEL
    since, until = days_window(start, end)
    by_grid = {THROUGH_GRID[level]: node.pk}
    households = Household.objects.filter(**by_grid)
    requests = ResidentRequest.objects.filter(**by_grid)
    in_period = requests.filter(created_at__gte=since, created_at__lt=until)
    now = timezone.now()
    open_requests = requests.filter(status__in=OPEN)
    ages = open_requests.aggregate(
        week=Count("pk", filter=Q(created_at__gte=now - dt.timedelta(days=7))),
        month=Count("pk", filter=Q(created_at__lt=now - dt.timedelta(days=7), created_at__gte=now - dt.timedelta(days=30))),
        quarter=Count("pk", filter=Q(created_at__lt=now - dt.timedelta(days=30), created_at__gte=now - dt.timedelta(days=90))),
        older=Count("pk", filter=Q(created_at__lt=now - dt.timedelta(days=90))),
    )
    overdue = list(open_requests.filter(stage_deadline__lt=now).exclude(status=Status.LONG_TERM).order_by("stage_deadline").values(*OVERDUE_COLUMNS)[:20])
    # Coverage per child and the node's own as their sums: one scan of the households, not two.
    grouped = list(coverage_by(households, CHILD[level][1])) if level in CHILD else None
    data = {
        "coverage": coverage(households) if grouped is None else {name: sum(row[name] for row in grouped) for name in COVERAGE_LABELS},
        "rates": [{k: (str(v) if k == "label" else v) for k, v in row.items()} for row in request_figures(requests, start=since, end=until)],
        "by_category": list(in_period.values(name=Coalesce("category__parent__name", "category__name")).annotate(count=Count("pk")).order_by("-count")),
        "by_level": list(open_requests.values("level").annotate(count=Count("pk")).order_by("level")),
        "by_status": list(in_period.values("status").annotate(count=Count("pk")).order_by("status")),
        "ages": ages,
        "overdue": overdue,
    }
    # A grid counts the volunteers placed in it; reporting units belong to communities, so a grid has none.
    if level == Level.GRID:
        volunteers, units = Volunteer.objects.filter(grid=node), ReportingUnit.objects.none()
    else:
        volunteers = Volunteer.objects.filter(**{THROUGH_COMMUNITY[level]: node.pk})
        units = ReportingUnit.objects.filter(**{THROUGH_COMMUNITY[level]: node.pk})
    entries = PointsEntry.objects.filter(volunteer__in=volunteers, created_at__gte=since, created_at__lt=until)
    totals = entries.aggregate(hours=Sum("hours"), points=Sum("points", filter=Q(points__gt=0)))
    data["volunteers"] = {
        "units": units.filter(status=ReviewStatus.CONFIRMED).count(),
        "members": volunteers.filter(status=ReviewStatus.CONFIRMED).count(),
        "hours": float(totals["hours"] or 0),
        "points": float(totals["points"] or 0),
        "posts_filled": PostClaim.objects.filter(volunteer__in=volunteers, status=PostClaim.Status.CONFIRMED).count(),
        "wishes_fulfilled": Wish.objects.filter(
            claimed_by__in=volunteers, status=Wish.Status.CONFIRMED, confirmed_at__gte=since, confirmed_at__lt=until
        ).count(),
    }
    data["lists"] = _lists(node)
    data["linkage"] = _linkage(node)
    data["duties"] = task_figures(node, since=since, until=until)
    data["bookings"] = booking_figures(node, since=since, until=until)
    data["deliberation"] = deliberation_figures(node, start, end)
    data["mentoring"] = mentoring_figures(node)
    # Twelve months: the closed ones from the nightly roll-up, the rest (this month, or any not rolled up) counted here.
    first = month_start(month_start(end) - dt.timedelta(days=330))
    trend, live_from = rolled_trend(grid_filter=by_grid, first=first, until_month=min(month_start(timezone.localdate()), next_month(month_start(end))))
    live_since = day_start(live_from)
    if live_since < until:
        live = (
            ("submitted", requests.filter(created_at__gte=live_since, created_at__lt=until), "created_at"),
            ("closed", requests.filter(closed_at__gte=live_since, closed_at__lt=until, status=Status.CLOSED), "closed_at"),
            ("visits", Visit.objects.filter(**by_grid, visited_at__gte=live_since, visited_at__lt=until), "visited_at"),
        )
        # One count per month still live (usually this month alone): cheaper than grouping a month's rows by their month.
        months = [live_from]
        while day_start(next_month(months[-1])) < until:
            months.append(next_month(months[-1]))
        for name, queryset, field in live:
            counts = queryset.aggregate(
                **{f"{m:%Y-%m}": Count("pk", filter=Q(**{f"{field}__gte": day_start(m), f"{field}__lt": day_start(next_month(m))})) for m in months}
            )
            for month, count in counts.items():
                if count:
                    trend.setdefault(month, {})[name] = count
    data["trend"] = [
        {"month": month, "submitted": counts.get("submitted", 0), "closed": counts.get("closed", 0), "visits": counts.get("visits", 0)}
        for month, counts in sorted(trend.items())
    ]
    data["children"] = _children(node, grouped, in_period)
    return data


def _children(node, grouped, in_period) -> list[dict]:
    """A row per child node (a city's districts, a district's streets…), each counted by one grouped query per figure:
    the queries do not grow with the children. Every child has its row, a child with nothing registered too."""
    if node.LEVEL not in CHILD:
        return []
    child_level, key = CHILD[node.LEVEL]
    model = NODE_MODELS[child_level]
    children = model.objects.filter(**{model.PARENT_FIELD: node}).order_by("name", "pk").values_list("pk", "name")
    households_by = {row[key]: row for row in grouped}
    requests_by = {row[key]: row for row in in_period.values(key).annotate(requests=Count("pk"), closed=Count("pk", filter=Q(status=Status.CLOSED))).order_by()}
    return [
        {
            "level": child_level,
            "id": child_id,
            "name": name,
            "households": households_by.get(child_id, {}).get("registered", 0),
            "key_care": households_by.get(child_id, {}).get("key_care_total", 0),
            "requests": requests_by.get(child_id, {}).get("requests", 0),
            "closed": requests_by.get(child_id, {}).get("closed", 0),
        }
        for child_id, name in children
    ]


def _key(node, start: dt.date, end: dt.date) -> str:
    # v6: a row for every child node, those with nothing registered too.
    return f"dashboard:v6:{node.LEVEL}:{node.pk}:{start.isoformat()}:{end.isoformat()}"


def cached_figures(key: str, figures, *, refresh: bool = False) -> tuple[dict, dt.datetime]:
    """The figures cached under `key` when at most five minutes old, otherwise `figures()` now (and cached); always
    computed anew with `refresh`, as the 5-minute job does.

    Stale figures are recomputed by one request at a time (a short lock); meanwhile the others show the stale ones with
    their time, instead of each spending the same second of SQL. Without the cache (Redis down) figures are computed."""
    try:
        cached = None if refresh else cache.get(key)
        if cached is not None and (timezone.now() - cached["as_of"]).total_seconds() <= FRESH_SECONDS:
            return cached["data"], cached["as_of"]
        if cached is not None and not cache.add(f"{key}:computing", 1, timeout=RECOMPUTE_LOCK_SECONDS):
            return cached["data"], cached["as_of"]
    except Exception:  # the cache is unreachable: the page still answers, computed now
        logger.warning("Dashboard cache unreachable; computing %s without it", key, exc_info=True)
        return figures(), timezone.now()
    data, as_of = figures(), timezone.now()
    try:
        cache.set(key, {"data": data, "as_of": as_of}, CACHE_SECONDS)
        cache.delete(f"{key}:computing")
    except Exception:  # as above: the figures are shown even if they cannot be kept
        logger.warning("Dashboard cache unreachable; %s not kept", key, exc_info=True)
    return data, as_of


def dashboard_for(node, start: dt.date, end: dt.date) -> tuple[dict, dt.datetime]:
    return cached_figures(_key(node, start, end), lambda: compute(node, start, end))


def dashboard_refresh(*, node, start: dt.date, end: dt.date) -> tuple[dict, dt.datetime]:
    return cached_figures(_key(node, start, end), lambda: compute(node, start, end), refresh=True)


def dashboards_refresh_all(*, today: dt.date | None = None) -> int:
    """The 5-minute job: cities, districts, streets and communities, for this month and this year."""
    today = today or timezone.localdate()
    refreshed = 0
    for model in (City, District, Street, Community):
        for node in model.objects.all():
            for period in ("month", "year"):
                start, end = period_bounds(period, today)
                dashboard_refresh(node=node, start=start, end=end)
                refreshed += 1
    return refreshed


def _lists(node) -> dict:
    """三张清单 counts of the node's communities."""
    if node.LEVEL == Level.GRID:
        return {"resources": 0, "demands": 0, "projects": 0, "done": 0}
    where = THROUGH_COMMUNITY[node.LEVEL]
    projects = Project.objects.filter(**{where: node.pk}).aggregate(total=Count("pk"), done=Count("pk", filter=Q(status=Project.Status.DONE)))
    return {
        "resources": ResourceItem.objects.filter(**{f"unit__{where}": node.pk}).count(),
        "demands": DemandItem.objects.filter(**{where: node.pk}).count(),
        "projects": projects["total"],
        "done": projects["done"],
    }


def _linkage(node) -> dict:
    """包联 compliance of the node's communities."""
    if node.LEVEL == Level.GRID:
        return {"duties": 0, "behind": 0, "no_meeting": 0}
    where = THROUGH_COMMUNITY[node.LEVEL]
    communities = list(
        Community.objects.filter(pk=node.pk) if node.LEVEL == Level.COMMUNITY else Community.objects.filter(**{where.removeprefix("community__"): node.pk})
    )
    state = compliance(LinkageDuty.objects.filter(**{where: node.pk}), communities)
    return {"duties": state["duties"], "behind": len(state["behind"]), "no_meeting": len(state["no_meeting"])}


VOLUNTEER_LABELS = {
    "units": _lazy("Reporting units"),
    "members": _lazy("members"),
    "hours": _lazy("Volunteer hours"),
    "points": _lazy("points"),
    "posts_filled": _lazy("Posts held"),
    "wishes_fulfilled": _lazy("Micro-wishes fulfilled"),
}


def figures_workbook(data: dict, *, node, start: dt.date, end: dt.date, as_of: dt.datetime) -> bytes:
    """Every table of a dashboard in one workbook, a sheet each (the page's export and the monthly report)."""
    book = Workbook(write_only=True)
    sheets = [
        (_("Coverage"), [_("Figure"), _("Count")], [(COVERAGE_LABELS.get(key, key), value) for key, value in data["coverage"].items()], {}),
        (
            _("Request figures"),
            [_("Figure"), _("Count"), _("Out of"), _("Rate")],
            # The rate as a fraction, unrounded: the cell shows it as a percentage.
            [
                (row["label"], row["numerator"], row["denominator"], row["numerator"] / row["denominator"] if row["denominator"] else None)
                for row in data["rates"]
            ],
            {3: xlsx.PERCENT},
        ),
        (_("By category"), [_("Category"), _("Count")], [(row["name"], row["count"]) for row in data["by_category"]], {}),
        (
            _("Overdue"),
            [_("Request number"), _("Category"), _("Status"), _("Days overdue"), _("Level"), _("Must act now"), _("Due"), _("Grid")],
            [
                (
                    r["public_id"],
                    r["category__name"],
                    r["status_label"],
                    r["days_overdue"],
                    r["level_label"],
                    r["waiting_on"],
                    r["stage_deadline"],
                    r["grid__name"],
                )
                for r in overdue_rows(data["overdue"], now=timezone.now())
            ],
            {6: xlsx.DATETIME},
        ),
        (_("Volunteers"), [_("Figure"), _("Count")], [(VOLUNTEER_LABELS.get(key, key), value) for key, value in data["volunteers"].items()], {}),
        (
            _("Monthly trend"),
            [_("Month"), _("Submitted"), _("Closed"), _("Visits")],
            [(r["month"], r["submitted"], r["closed"], r["visits"]) for r in data["trend"]],
            {},
        ),
        (
            _("Below"),
            [_("Area"), _("Households"), _("Key-care"), _("Requests"), _("Closed")],
            [(r["name"], r["households"], r["key_care"], r["requests"], r["closed"]) for r in data["children"]],
            {},
        ),
        (
            _("Tasks pushed down"),
            [_("Area"), DENOMINATOR, _("On the list"), _("Off the list"), _("Approved"), _("Refused, not taken on"), _("Awaiting")],
            duty_rows(data["duties"], node=node),
            {},
        ),
        (
            _("Bookings"),
            [_("Figure"), _("Count"), _("Out of"), _("Denominator"), _("Rate")],
            [
                (
                    row["label"],
                    row["numerator"],
                    row["denominator"],
                    row["denominator_label"],
                    row["numerator"] / row["denominator"] if row["denominator"] else None,
                )
                for row in data.get("bookings", [])
            ],
            {4: xlsx.PERCENT},
        ),
        (
            _("Deliberation"),
            [_("Figure"), _("Count"), _("Out of"), _("Counted against"), _("Rate")],
            [
                (r["label"], r["numerator"], r["denominator"], r["denominator_label"], r["numerator"] / r["denominator"] if r["denominator"] else None)
                for r in data.get("deliberation", [])
            ],
            {4: xlsx.PERCENT},
        ),
        (
            _("Mentoring"),
            [_("Figure"), _("Count"), _("Out of"), _("Of what")],
            [(r["label"], r["numerator"], r["denominator"], r["denominator_label"]) for r in data.get("mentoring", [])],
            {},
        ),
    ]
    for title, header, rows, formats in sheets:
        xlsx.sheet_write(book, title=title, unit=node.full_name, period=(start, end), as_of=as_of, header=header, rows=rows, formats=formats)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
