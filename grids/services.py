"""The grid worker's patrol (每日巡查): start and end, where the worker stood, and the sparse track of the walk."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, audit_time
from governance.models import AuditEntry
from grids.models import Patrol
from grids.permissions import can_end_patrol, can_patrol
from grids.places import point_check

# One point a minute at most, for at most a day: a track never grows past TRACK_MAX_POINTS.
TRACK_GAP = dt.timedelta(minutes=1)
TRACK_MAX_POINTS = 24 * 60
# A phone that was offline sends what it kept: at most an hour of points in one call.
TRACK_BATCH_MAX = 60
# Phone clocks run a little ahead of or behind the server's.
CLOCK_SKEW = dt.timedelta(minutes=2)


def _position_fields(prefix: str, position) -> dict:
    if position is None:
        return {}
    lon, lat = point_check(*position)
    return {f"{prefix}_lon": lon, f"{prefix}_lat": lat}


@transaction.atomic
def patrol_start(*, actor, grid, position: tuple[float, float] | None = None) -> Patrol:
    if not can_patrol(actor, grid):
        raise PermissionDenied(_("You can patrol only your own grid."))
    fields = _position_fields("start", position)
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(grid=grid, worker=actor, started_at=timezone.now(), **fields)
    except IntegrityError as exc:
        raise ValidationError(_("You already have a patrol under way.")) from exc
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=patrol, changes={"started_at": [None, audit_time(patrol.started_at)]})
    return patrol


@transaction.atomic
def patrol_end(*, actor, patrol: Patrol, notes: str, position: tuple[float, float] | None = None) -> Patrol:
    if not can_end_patrol(actor, patrol):
        raise PermissionDenied(_("Only who started the patrol can end it."))
    fields = _position_fields("end", position)
    now = timezone.now()
    if Patrol.objects.filter(pk=patrol.pk, ended_at__isnull=True).update(ended_at=now, notes=notes.strip(), **fields) != 1:
        raise ValidationError(_("This patrol has already ended."))
    patrol.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=patrol, changes={"ended_at": [None, audit_time(now)]})
    return patrol


def _track_point(point: dict, *, since: dt.datetime, until: dt.datetime) -> tuple[dt.datetime, float, float]:
    at = point.get("at")
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        raise ValidationError(_("Each track point needs its time, with its time zone."), code="track")
    if not since - CLOCK_SKEW <= at <= until + CLOCK_SKEW:
        raise ValidationError(_("A track point's time must fall within the patrol."), code="track")
    lon, lat = point_check(point.get("lon"), point.get("lat"))
    # Whole seconds, as stored, so that the one-minute gap is measured alike before and after saving.
    return at.astimezone(dt.UTC).replace(microsecond=0), lon, lat


@transaction.atomic
def patrol_track_add(*, actor, patrol: Patrol, points: list[dict]) -> int:
    """Add points ({"at", "lon", "lat"}) to the actor's patrol under way; returns how many were kept.

    A point less than TRACK_GAP after the last kept one is dropped and the track stops at TRACK_MAX_POINTS, so that a
    phone posting too often or too long cannot grow the row without bound. Another worker's patrol is not found (404):
    the track is only ever the walker's own.
    """
    if not can_end_patrol(actor, patrol):
        raise Http404
    if not 1 <= len(points) <= TRACK_BATCH_MAX:
        raise ValidationError(_("Send from 1 to %(count)d track points at a time.") % {"count": TRACK_BATCH_MAX}, code="track")
    checked = sorted(_track_point(point, since=patrol.started_at, until=timezone.now()) for point in points)
    # The row is locked so that two posts from the same phone append in turn instead of overwriting each other.
    locked = Patrol.objects.select_for_update().only("ended_at", "track").get(pk=patrol.pk)
    if locked.ended_at is not None:
        raise ValidationError(_("This patrol has already ended."))
    track = locked.track
    last = dt.datetime.fromisoformat(track[-1][0]) if track else None
    added = 0
    for at, lon, lat in checked:
        if len(track) >= TRACK_MAX_POINTS:
            break
        if last is not None and at - last < TRACK_GAP:
            continue
        # Six decimals are about 0.1 m: finer digits are noise from a phone.
        track.append([at.isoformat(timespec="seconds"), round(lon, 6), round(lat, 6)])
        last = at
        added += 1
    if added:
        Patrol.objects.filter(pk=patrol.pk).update(track=track)
    patrol.track = track
    return added
