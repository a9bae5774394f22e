"""The grid worker's day, read once for the today page and for GET /api/today/, so both show the same figures."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community_services import selectors as booking_selectors
from core.dates import day_start, year_start
from grids.models import Patrol
from grids.selectors import worker_grid_list_for
from households import selectors as ledger
from households.models import Household
from notifications.selectors import notification_unread_for
from resident_requests import selectors as request_selectors

# How many visits and requests the day shows; the full lists have their own pages.
SHOWN = 8
SHOWN_NOTIFICATIONS = 5
# What the day's rows show (templates/workbench/today.html).
DUE_ROW_FIELDS = ("unit", "room", "next_visit_due", "last_visited_at", "key_care", "visit_cadence_days", "building__name")
BOOKING_ROW_FIELDS = ("kind", "day", "service__name", "slot__starts")


def today_for(user, *, rows: bool = False) -> dict:
    """Visits due, requests with countdowns, unread notifications, the patrol and the households not visited this year.

    `rows` narrows the queue to what the page's rows show; the API keeps whole requests.
    """
    # The outline stays unread: the page lists the grids' names only.
    grids = list(worker_grid_list_for(user).only("name"))
    if not grids:
        raise PermissionDenied(_("The today page is for grid workers."))
    # One "today" for every figure of the page, also across midnight.
    today = timezone.localdate()
    since_new_year = day_start(year_start(today))
    due = ledger.visits_due_for(user, today=today)
    queue = request_selectors.my_queue(user)
    if rows:
        queue = request_selectors.as_rows(queue)
    # Today's patrols and the open one (which may have started yesterday) in one read; the tracks (up to a day of points
    # each) stay unread: the patrol page draws them.
    patrols = list(
        Patrol.objects.filter(Q(started_at__date=today) | Q(ended_at__isnull=True), worker=user).select_related("grid").defer("track", "grid__geometry")
    )
    patrols_today = [patrol for patrol in patrols if timezone.localdate(patrol.started_at) == today]
    reports = request_selectors.patrol_report_counts([patrol.pk for patrol in patrols_today])
    for patrol in patrols_today:
        patrol.reports = reports.get(patrol.pk, {"reported": 0, "handled": 0})
    return {
        "grids": grids,
        "now": timezone.now(),
        "today": today,
        # The rows show the building, the door and the cadence: not whole households with their grids.
        "due": due.select_related(None).select_related("building").only(*DUE_ROW_FIELDS)[:SHOWN],
        "due_count": due.count(),
        "queue": queue[:SHOWN],
        # Residents' appointments and 代办 handed to the worker (A or B person) or to their front desk.
        "bookings": booking_selectors.queue_for(user).select_related(None).select_related("service", "slot").only(*BOOKING_ROW_FIELDS)[:SHOWN],
        "notifications": notification_unread_for(user)[:SHOWN_NOTIFICATIONS],
        "patrol": next((patrol for patrol in patrols if patrol.ended_at is None), None),
        "patrolled_today": len(patrols_today),
        # Each of today's patrols with what it reported and handled on the spot (自行处置).
        "patrols_today": patrols_today,
        # Households of the grid with no visit since 1 January: "一户不落".
        "not_visited": Household.objects.filter(grid__in=grids, status=Household.Status.ACTIVE).exclude(last_visited_at__gte=since_new_year).count(),
    }
