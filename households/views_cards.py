"""Visits due, heart-link cards with their QR code and the public page behind it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.qr import public_url, qr_svg
from governance import selectors as governance_selectors
from governance.models import Membership
from governance.roles import Level, Role
from households import selectors, services


def visits_due(request):
    grid = request.GET.get("grid")
    due = selectors.visits_due_for(request.user, grid=int(grid) if grid and grid.isdecimal() else None)
    page = Paginator(due, 50).get_page(request.GET.get("page"))
    review = selectors.visits_to_review_for(request.user)[:50]
    return render(request, "households/visits_due.html", {"page": page, "today": timezone.localdate(), "grid": grid, "review": review})


@require_POST
def visit_reviewed(request, pk):
    visit = selectors.visit_get_for(request.user, pk)
    try:
        services.visit_review(actor=request.user, visit=visit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Visit marked as reviewed."))
    return redirect("visits-due")


def _card(request, household, worker):
    url = public_url(request, reverse("public-household", args=[household.public_token]))
    return {"household": household, "worker": worker, "qr": qr_svg(url, box_size=8, border=2), "url": url}


def _grid_workers(grid_ids) -> dict:
    memberships = Membership.objects.filter(role=Role.GRID_WORKER, grid_id__in=grid_ids).select_related("user")
    return {m.grid_id: m.user for m in memberships}


def household_card(request, pk):
    household = selectors.household_get_for(request.user, pk)
    worker = _grid_workers([household.grid_id]).get(household.grid_id)
    return render(request, "households/cards.html", {"cards": [_card(request, household, worker)], "title": str(household)})


def building_cards(request, pk):
    building = governance_selectors.node_get_for(request.user, Level.BUILDING, pk)
    households = (
        selectors.household_list_for(request.user)
        .filter(building=building)
        .select_related("grid__community")
        .prefetch_related(None)
        .order_by("unit", "floor", "room")
    )
    worker = _grid_workers([building.grid_id]).get(building.grid_id)
    return render(request, "households/cards.html", {"cards": [_card(request, household, worker) for household in households], "title": building.name})


@login_not_required
def public_household(request, token):
    """Where the QR code on the card leads: the grid's contacts, and (with the requests module) the request form."""
    household = selectors.household_by_token(token)
    if household is None:
        raise Http404
    worker = _grid_workers([household.grid_id]).get(household.grid_id)
    return render(request, "households/card_public.html", {"grid": household.grid, "community": household.grid.community, "worker": worker, "token": token})
