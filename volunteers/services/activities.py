"""Activities: published by the community, signed up for, checked in and out by a rotating code, hours confirmed into points."""

import datetime as dt
import hashlib
import hmac
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.params import datetimes_in_range
from governance.audit import audit_time
from volunteers.models import Activity, PointsEntry, ReviewStatus, Signup, Volunteer
from volunteers.services.common import audit_created, audit_status, require_manager
from volunteers.services.points import points_add, points_for

CODE_WINDOW_SECONDS = 30
# The previous window's code still works this long into the next one: the scan opens a page and the tap comes after.
CODE_GRACE_SECONDS = 20


@transaction.atomic
def activity_publish(
    *,
    actor,
    community,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    places: int,
    skills=(),
    description: str = "",
    signup_closes_at: dt.datetime | None = None,
    organiser_unit=None,
) -> Activity:
    require_manager(actor, community.ancestry())
    datetimes_in_range(starts_at=starts_at, ends_at=ends_at)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The activity must end after it starts.")})
    if places < 1:
        raise ValidationError({"places": _("At least one place.")})
    activity = Activity(
        community=community,
        title=title.strip(),
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
        skills=sorted(set(skills)),
        description=description,
        signup_closes_at=signup_closes_at or starts_at,
        organiser_unit=organiser_unit,
        created_by=actor,
    )
    activity.full_clean()
    activity.save()
    audit_created(actor=actor, instance=activity, title=activity.title, starts_at=audit_time(starts_at), places=places)
    return activity


@transaction.atomic
def signup_create(*, volunteer: Volunteer, activity: Activity) -> Signup:
    """The volunteer signs up (the volunteer's account is the actor of the audit row)."""
    if volunteer.status != ReviewStatus.CONFIRMED or volunteer.community_id != activity.community_id:
        raise PermissionDenied(_("Only confirmed volunteers of this community can sign up."))
    if timezone.now() > activity.signup_closes_at or activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("Sign-up for this activity is closed."))
    # Locking the activity makes the places count exact when many sign up at once.
    Activity.objects.select_for_update().get(pk=activity.pk)
    taken = activity.signups.exclude(status=Signup.Status.CANCELLED).count()
    existing = activity.signups.filter(volunteer=volunteer).first()
    if existing is not None and existing.status != Signup.Status.CANCELLED:
        return existing
    if taken >= activity.places:
        raise ValidationError(_("The activity is full."))
    if existing is not None:
        Signup.objects.filter(pk=existing.pk).update(status=Signup.Status.SIGNED_UP)
        audit_status(actor=volunteer.user, instance=existing, before=Signup.Status.CANCELLED, after=Signup.Status.SIGNED_UP)
        existing.refresh_from_db()
        return existing
    signup = Signup.objects.create(activity=activity, volunteer=volunteer)
    audit_created(actor=volunteer.user, instance=signup, status=signup.status)
    return signup


@transaction.atomic
def signup_cancel(*, volunteer: Volunteer, activity: Activity) -> None:
    if timezone.now() > activity.signup_closes_at:
        raise ValidationError(_("It is too late to cancel; tell the organiser."))
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer, status=Signup.Status.SIGNED_UP).first()
    if signup is None or Signup.objects.filter(pk=signup.pk, status=Signup.Status.SIGNED_UP).update(status=Signup.Status.CANCELLED) != 1:
        raise ValidationError(_("You are not signed up."))
    audit_status(actor=volunteer.user, instance=signup, before=Signup.Status.SIGNED_UP, after=Signup.Status.CANCELLED)


def code_window(moment: dt.datetime | None = None) -> int:
    return int((moment or timezone.now()).timestamp()) // CODE_WINDOW_SECONDS


def code_seconds_left(moment: dt.datetime | None = None) -> int:
    """Seconds until the code changes: the organiser's screen reloads then, so it always shows the current code."""
    return CODE_WINDOW_SECONDS - int((moment or timezone.now()).timestamp()) % CODE_WINDOW_SECONDS


def _code_for_window(activity: Activity, window: int) -> str:
    return hmac.new(activity.secret.encode(), f"{activity.pk}:{window}".encode(), hashlib.sha256).hexdigest()[:16]


def checkin_code(activity: Activity, moment: dt.datetime | None = None) -> str:
    """The code shown as a QR on site; it changes every 30 seconds and cannot be made without the activity's secret."""
    return _code_for_window(activity, code_window(moment))


def _code_window_of(activity: Activity, code: str, now: dt.datetime) -> int | None:
    """The window whose code this is: the current one, or the previous one during the grace seconds; None otherwise."""
    current = code_window(now)
    windows = [current, current - 1] if code_window(now - dt.timedelta(seconds=CODE_GRACE_SECONDS)) < current else [current]
    return next((window for window in windows if hmac.compare_digest(code or "", _code_for_window(activity, window))), None)


@transaction.atomic
def signup_scan(*, volunteer: Volunteer, activity: Activity, code: str) -> Signup:
    """Check in with the first scan, out with the second; expired, forged or replayed codes are refused.

    A code is valid for its 30 seconds (and 20 more if it was the previous one), and check-out needs a code of a
    later window than the check-in's: a forwarded code works off-site for under a minute, and never twice.
    """
    now = timezone.now()
    window = _code_window_of(activity, code, now)
    if window is None:
        raise ValidationError(_("This code has expired or is not valid; scan the code on site again."))
    if now < activity.starts_at - dt.timedelta(minutes=30) or now > activity.ends_at + dt.timedelta(hours=1):
        raise ValidationError(_("Check-in is open from 30 minutes before the start to an hour after the end."))
    signup = Signup.objects.select_for_update().filter(activity=activity, volunteer=volunteer).exclude(status=Signup.Status.CANCELLED).first()
    if signup is None:
        raise ValidationError(_("Sign up for the activity first."))
    before = signup.status
    if signup.status == Signup.Status.SIGNED_UP:
        Signup.objects.filter(pk=signup.pk).update(status=Signup.Status.CHECKED_IN, checked_in_at=now, checkin_window=window)
    elif signup.status == Signup.Status.CHECKED_IN:
        if signup.checkin_window is not None and window <= signup.checkin_window:
            raise ValidationError(_("This code was used to check in; scan the code on site again when you leave."))
        if now - signup.checked_in_at < dt.timedelta(minutes=1):
            raise ValidationError(_("You have just checked in; scan again when you leave."))
        Signup.objects.filter(pk=signup.pk).update(status=Signup.Status.CHECKED_OUT, checked_out_at=now)
    else:
        raise ValidationError(_("You have already checked out of this activity."))
    signup.refresh_from_db()
    audit_status(actor=volunteer.user, instance=signup, before=before, after=signup.status)
    return signup


@transaction.atomic
def signup_mark(*, actor, signup) -> Signup:
    """The organiser checks a volunteer in or out by hand (no phone, no signal): the same steps as the scan."""
    require_manager(actor, signup.activity.ancestry())
    now = timezone.now()
    before = signup.status
    if signup.status == Signup.Status.SIGNED_UP:
        moved = Signup.objects.filter(pk=signup.pk, status=Signup.Status.SIGNED_UP).update(status=Signup.Status.CHECKED_IN, checked_in_at=now)
    elif signup.status == Signup.Status.CHECKED_IN:
        moved = Signup.objects.filter(pk=signup.pk, status=Signup.Status.CHECKED_IN).update(status=Signup.Status.CHECKED_OUT, checked_out_at=now)
    else:
        moved = 0
    if moved != 1:
        raise ValidationError(_("This volunteer has already checked out."))
    signup.refresh_from_db()
    audit_status(actor=actor, instance=signup, before=before, after=signup.status)
    return signup


def hours_of(signup: Signup) -> Decimal:
    """From check-in to check-out, capped by the activity's own length."""
    activity = signup.activity
    start = max(signup.checked_in_at, activity.starts_at)
    end = min(signup.checked_out_at, activity.ends_at)
    seconds = max((end - start).total_seconds(), 0)
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def signup_confirm(*, actor, signup: Signup) -> PointsEntry:
    """The organiser confirms the hours; they and their points go into the passbook once."""
    require_manager(actor, signup.activity.ancestry())
    if Signup.objects.filter(pk=signup.pk, status=Signup.Status.CHECKED_OUT).update(status=Signup.Status.CONFIRMED) != 1:
        raise ValidationError(_("Only a checked-out sign-up can be confirmed, once."))
    signup.refresh_from_db()
    hours = hours_of(signup)
    Signup.objects.filter(pk=signup.pk).update(hours=hours)
    audit_status(actor=actor, instance=signup, before=Signup.Status.CHECKED_OUT, after=Signup.Status.CONFIRMED, hours=[None, str(hours)])
    return points_add(
        volunteer=signup.volunteer,
        kind=PointsEntry.Kind.ACTIVITY,
        points=points_for(PointsEntry.Kind.ACTIVITY, hours),
        hours=hours,
        note=signup.activity.title,
        actor=actor,
        signup=signup,
    )
