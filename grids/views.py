"""The grid worker's patrol, started and ended from the today page, and the track its phone posts while it is open."""

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as InputError

from core.forms import form_cleaned
from grids import services
from grids.api import track_add
from grids.forms import PatrolEndForm, PatrolStartForm, position_of
from grids.models import Patrol


@require_POST
def patrol_start(request):
    form = PatrolStartForm(request.POST, user=request.user)
    # A grid that is not the worker's, or not a number at all, is refused alike.
    if not form.is_valid() and "grid" in form.errors:
        raise PermissionDenied
    try:
        data = form_cleaned(form)
        services.patrol_start(actor=request.user, grid=data["grid"], position=position_of(data))
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
        data = form_cleaned(form)
        patrol = services.patrol_end(actor=request.user, patrol=patrol, notes=data["notes"], position=position_of(data))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        minutes = int((patrol.ended_at - patrol.started_at) / dt.timedelta(minutes=1))
        messages.success(request, _("Patrol recorded: %(minutes)d minutes.") % {"minutes": minutes})
    return redirect("today")


@require_POST
def patrol_track(request, pk):
    """Points the today page posts while the worker lets it follow their position: JSON in, JSON out, like the API."""
    patrol = Patrol.objects.filter(pk=pk, worker=request.user).only("id", "worker_id", "started_at").first()
    if patrol is None:
        return JsonResponse({"message": _("Not found.")}, status=404)
    try:
        body = json.loads(request.body)
        return JsonResponse(track_add(request.user, patrol, body if isinstance(body, dict) else {}))
    except (ValueError, InputError):
        return JsonResponse({"message": _("The track point was not valid; it was not recorded.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"message": " ".join(exc.messages)}, status=400)
