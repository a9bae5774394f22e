"""The grid worker's day on the phone: visits due, requests with countdowns, notifications and the patrol."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.dates import day_start, year_start
from governance.roles import Capability
from governance.scope import scope_for
from grids import services
from grids.models import Grid, Patrol
from households import selectors as ledger
from households.models import Household
from notifications.selectors import notification_unread_for
from resident_requests import selectors as requests


def _my_grids(user):
    return Grid.objects.visible_to(user, Capability.HANDLE_REQUESTS).filter(pk__in=scope_for(user, Capability.HANDLE_REQUESTS).node_ids.get("grid", ()))


def today(request):
    grids = list(_my_grids(request.user))
    if not grids:
        raise PermissionDenied(_("The today page is for grid workers."))
    now = timezone.now()
    since_new_year = day_start(year_start(timezone.localdate()))
    context = {
        "grids": grids,
        "now": now,
        "due": ledger.visits_due_for(request.user)[:8],
        "due_count": ledger.visits_due_for(request.user).count(),
        "queue": requests.my_queue(request.user)[:8],
        "notifications": notification_unread_for(request.user)[:5],
        "patrol": Patrol.objects.filter(worker=request.user, ended_at__isnull=True).select_related("grid").first(),
        "patrolled_today": Patrol.objects.filter(worker=request.user, started_at__date=timezone.localdate()).count(),
        # Households of the grid with no visit since 1 January: "一户不落".
        "not_visited": Household.objects.filter(grid__in=grids, status=Household.Status.ACTIVE).exclude(last_visited_at__gte=since_new_year).count(),
    }
    return render(request, "grids/today.html", context)


@require_POST
def patrol_start(request):
    grid = _my_grids(request.user).filter(pk=request.POST.get("grid") or 0).first()
    if grid is None:
        raise PermissionDenied
    try:
        services.patrol_start(actor=request.user, grid=grid)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("today")


@require_POST
def patrol_end(request, pk):
    patrol = Patrol.objects.filter(pk=pk, worker=request.user).first()
    if patrol is None:
        raise PermissionDenied
    try:
        patrol = services.patrol_end(actor=request.user, patrol=patrol, notes=request.POST.get("notes", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        minutes = int((patrol.ended_at - patrol.started_at) / dt.timedelta(minutes=1))
        messages.success(request, _("Patrol recorded: %(minutes)d minutes.") % {"minutes": minutes})
    return redirect("today")
