"""The grid worker's patrol, started and ended from the today page."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import form_cleaned
from grids import services
from grids.forms import PatrolEndForm, PatrolStartForm
from grids.models import Patrol


@require_POST
def patrol_start(request):
    form = PatrolStartForm(request.POST, user=request.user)
    # A grid that is not the worker's, or not a number at all, is refused alike.
    if not form.is_valid():
        raise PermissionDenied
    try:
        services.patrol_start(actor=request.user, grid=form.cleaned_data["grid"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("today")


@require_POST
def patrol_end_open(request):
    """End whichever patrol the worker has open (the phone queued the end before it knew the patrol's number)."""
    patrol = Patrol.objects.filter(worker=request.user, ended_at__isnull=True).first()
    if patrol is None:
        messages.error(request, _("No patrol is under way."))
        return redirect("today")
    return patrol_end(request, patrol.pk)


@require_POST
def patrol_end(request, pk):
    patrol = Patrol.objects.filter(pk=pk, worker=request.user).first()
    if patrol is None:
        raise PermissionDenied
    form = PatrolEndForm(request.POST)
    try:
        notes = form_cleaned(form)["notes"]
        patrol = services.patrol_end(actor=request.user, patrol=patrol, notes=notes)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        minutes = int((patrol.ended_at - patrol.started_at) / dt.timedelta(minutes=1))
        messages.success(request, _("Patrol recorded: %(minutes)d minutes.") % {"minutes": minutes})
    return redirect("today")
