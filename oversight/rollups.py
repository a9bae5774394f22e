"""Monthly counts of closed months, per grid: what the dashboards' twelve-month trend reads (oversight.MonthlyCount).

A month is rolled up once it has ended, by the nightly job (`manage.py rollup_months`, the `oversight-rollups` beat
entry); the last RECOUNT_MONTHS closed months are counted again each night, so a visit a phone recorded offline and
sent days later still lands in its month. Every month is written whole in one transaction (its rows replaced, its
RolledMonth stamped), so a re-run or two runs at once leave the same counts.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone

from core.dates import day_start, month_start
from households.models import Visit
from oversight.models import MonthlyCount, RolledMonth
from resident_requests.lifecycle import Status
from resident_requests.models import ResidentRequest

# Closed months counted again every night: late offline visits and late closings reach their month.
RECOUNT_MONTHS = 2


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def month_counts_write(*, month: dt.date) -> int:
    """Count one closed month for every grid and replace its rows; returns how many grids had anything."""
    since, until = day_start(month), day_start(next_month(month))
    rows: dict[int, dict[str, int]] = {}
    figures = (
        ("visits", Visit.objects.filter(visited_at__gte=since, visited_at__lt=until)),
        ("submitted", ResidentRequest.objects.filter(created_at__gte=since, created_at__lt=until)),
        ("closed", ResidentRequest.objects.filter(closed_at__gte=since, closed_at__lt=until, status=Status.CLOSED)),
    )
    for name, queryset in figures:
        for grid_id, count in queryset.order_by().values_list("grid_id").annotate(n=Count("pk")):
            rows.setdefault(grid_id, {})[name] = count
    # The month's row exists before anyone locks it (get_or_create settles a race to create it), so the lock below
    # holds every other run of this month off until the new counts are in, on the first night too.
    RolledMonth.objects.get_or_create(month=month, defaults={"computed_at": timezone.now()})
    with transaction.atomic():
        rolled = RolledMonth.objects.select_for_update().get(month=month)
        MonthlyCount.objects.filter(month=month).delete()
        MonthlyCount.objects.bulk_create(MonthlyCount(grid_id=grid_id, month=month, **counts) for grid_id, counts in rows.items())
        rolled.computed_at = timezone.now()
        rolled.save(update_fields=["computed_at"])
    return len(rows)


def months_roll_up(*, today: dt.date | None = None) -> list[dt.date]:
    """Roll up every closed month not rolled up yet, and count the last RECOUNT_MONTHS again; returns the months written."""
    today = today or timezone.localdate()
    current = month_start(today)
    oldest = [
        timezone.localdate(moment)
        for moment in (Visit.objects.aggregate(first=Min("visited_at"))["first"], ResidentRequest.objects.aggregate(first=Min("created_at"))["first"])
        if moment is not None
    ]
    if not oldest:
        return []
    done = set(RolledMonth.objects.values_list("month", flat=True))
    recount = current
    for _ in range(RECOUNT_MONTHS):
        recount = month_start(recount - dt.timedelta(days=1))
    written, month = [], month_start(min(oldest))
    while month < current:
        if month not in done or month >= recount:
            month_counts_write(month=month)
            written.append(month)
        month = next_month(month)
    return written


def rolled_trend(*, grid_filter: dict, first: dt.date, until_month: dt.date) -> tuple[dict[str, dict[str, int]], dt.date]:
    """Counts per "YYYY-MM" of the rolled-up months from `first` up to (not including) `until_month` under the node
    the filter names, and the first month that must still be counted live (the first one not rolled up)."""
    rolled = set(RolledMonth.objects.filter(month__gte=first, month__lt=until_month).values_list("month", flat=True))
    live_from = first
    while live_from < until_month and live_from in rolled:
        live_from = next_month(live_from)
    counts = {
        month.strftime("%Y-%m"): {"visits": visits, "submitted": submitted, "closed": closed}
        for month, visits, submitted, closed in MonthlyCount.objects.filter(**grid_filter, month__gte=first, month__lt=live_from)
        .order_by()
        .values_list("month")
        .annotate(Sum("visits"), Sum("submitted"), Sum("closed"))
    }
    return counts, live_from
