"""Each person's pages: the home of their highest role, the grid worker's today page on the phone, and a patrol's record."""

from django.shortcuts import redirect, render
from django.utils import timezone

from governance import selectors
from governance.permissions import has_capability
from governance.roles import ROLE_RANK, Capability, Role
from grids.places import patrol_map
from grids.selectors import patrol_get_for
from households import selectors as ledger
from resident_requests import selectors as request_selectors
from workbench.today import today_for

FIELD_HOMES = {Role.GRID_WORKER: "today", Role.GRID_LEADER: "today", Role.GRID_PART_TIME: "today", Role.VOLUNTEER: "volunteer-me"}


def home(request):
    """Each role lands on its own home: the highest role the user holds decides which one."""
    memberships = list(selectors.membership_list_for(request.user).filter(user=request.user))
    memberships.sort(key=lambda m: -ROLE_RANK[m.role])
    primary = memberships[0] if memberships else None
    # A grid worker's day starts on the today page; a volunteer's on their own volunteering page.
    if primary is not None and primary.role in FIELD_HOMES:
        return redirect(FIELD_HOMES[primary.role])
    level = primary.level if primary else None
    context = {"memberships": memberships, "primary": primary, "level": level}
    if primary is not None:
        node = primary.node
        context["node"] = node
        context["counts"] = selectors.node_counts(node)
        children = selectors.child_list_for(request.user, node)
        context["children"] = children[:12] if children is not None else None
        context.update(_ledger_summary(request.user))
    return render(request, "workbench/home.html", context)


def _ledger_summary(user) -> dict:
    """Coverage of the user's area and their visits due, for roles that keep the ledger."""
    if not has_capability(user, Capability.VIEW_LEDGER):
        return {}
    summary = {"coverage": ledger.coverage(ledger.household_list_for(user))}
    if has_capability(user, Capability.EDIT_LEDGER):
        summary["due_count"] = ledger.visits_due_for(user).count()
    if has_capability(user, Capability.HANDLE_REQUESTS):
        summary["queue_count"] = request_selectors.my_queue(user).count()
    if has_capability(user, Capability.DISPATCH_REQUESTS):
        summary["board_count"] = request_selectors.dispatch_board(user).count()
    return summary


def today(request):
    """The grid worker's day: visits due, requests with countdowns, notifications and the patrol."""
    return render(request, "workbench/today.html", today_for(request.user, rows=True))


def me(request):
    """我的: the person's roles, notifications, password, language and logout, one tap from the phone's tab bar."""
    return render(request, "workbench/me.html", {"memberships": selectors.membership_list_of(request.user)})


# The patrol page lists at most this many of the requests reported on it; the counts above the list cover them all.
PATROL_REQUESTS_SHOWN = 50


def patrol_detail(request, pk):
    """A patrol's record: times, what was seen, what it reported and handled, and its walk on the grid's outline.

    The walker and those who see the grid's figures open it; anyone else gets the same 404 as for a missing patrol.
    """
    patrol = patrol_get_for(request.user, pk)
    reports = request_selectors.patrol_report_counts([patrol.pk]).get(patrol.pk, {"reported": 0, "handled": 0})
    requests = request_selectors.request_list_for(request.user).filter(patrol=patrol).order_by("created_at")[:PATROL_REQUESTS_SHOWN]
    context = {"patrol": patrol, "reports": reports, "requests": requests, "now": timezone.now(), "map": patrol_map(patrol)}
    return render(request, "workbench/patrol_detail.html", context)
