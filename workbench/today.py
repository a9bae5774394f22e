"""The grid worker's day, read once for the today page and for GET /api/today/, so both show the same figures."""

from django.core.exceptions import PermissionDenied
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


def today_for(user) -> dict:
    """Visits due, requests with countdowns, unread notifications, the patrol and the households not visited this year."""
    grids = list(worker_grid_list_for(user))
    if not grids:
        raise PermissionDenied(_("The today page is for grid workers."))
    since_new_year = day_start(year_start(timezone.localdate()))
    due = ledger.visits_due_for(user)
    # The tracks (up to a day of points each) stay unread: the patrol page draws them.
    patrols_today = list(Patrol.objects.filter(worker=user, started_at__date=timezone.localdate()).select_related("grid").defer("track"))
    reports = request_selectors.patrol_report_counts([patrol.pk for patrol in patrols_today])
    for patrol in patrols_today:
        patrol.reports = reports.get(patrol.pk, {"reported": 0, "handled": 0})
    return {
        "grids": grids,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "due": due[:SHOWN],
        "due_count": due.count(),
        "queue": request_selectors.my_queue(user)[:SHOWN],
        # Residents' appointments and 代办 handed to the worker (A or B person) or to their front desk.
        "bookings": booking_selectors.queue_for(user)[:SHOWN],
        "notifications": notification_unread_for(user)[:SHOWN_NOTIFICATIONS],
        "patrol": Patrol.objects.filter(worker=user, ended_at__isnull=True).select_related("grid").defer("track").first(),
        "patrolled_today": len(patrols_today),
        # Each of today's patrols with what it reported and handled on the spot (自行处置).
        "patrols_today": patrols_today,
        # Households of the grid with no visit since 1 January: "一户不落".
        "not_visited": Household.objects.filter(grid__in=grids, status=Household.Status.ACTIVE).exclude(last_visited_at__gte=since_new_year).count(),
    }
