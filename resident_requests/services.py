"""The closed loop of a resident request (群众点单、社区派单、党员接单): one service per transition.

Every transition is checked against TRANSITIONS, applied with a conditional UPDATE on the status it
starts from (so two people acting at once give one winner), and written to the append-only timeline
in the same transaction.
"""

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.images import image_clean, image_thumbnail
from governance.models import Membership, Notification
from governance.personal_data import encrypt, keyed_hash, mask_phone
from governance.roles import Capability, Role
from governance.scope import scope_for
from governance.validators import normalize_mobile
from resident_requests import calendar
from resident_requests.models import (
    LADDER,
    AllianceMeeting,
    HandlingLevel,
    IdempotencyKey,
    RequestPhoto,
    ResidentRequest,
    Stage,
    Status,
    TimeLimit,
    TimelineEntry,
    Urgency,
)
from resident_requests.permissions import can_decide_extension

S = Status
TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.ACCEPTED, S.REFUSED, S.MERGED, S.WITHDRAWN},
    S.ACCEPTED: {S.ACCEPTED, S.DISPATCHED, S.LONG_TERM, S.MERGED, S.WITHDRAWN},
    S.DISPATCHED: {S.ACCEPTED, S.TAKEN, S.WITHDRAWN},
    S.TAKEN: {S.ACCEPTED, S.IN_PROGRESS, S.HANDLED, S.LONG_TERM, S.WITHDRAWN},
    S.IN_PROGRESS: {S.ACCEPTED, S.HANDLED, S.LONG_TERM, S.WITHDRAWN},
    S.HANDLED: {S.VERIFIED, S.IN_PROGRESS},
    S.VERIFIED: {S.ANSWERED},
    S.ANSWERED: {S.CLOSED, S.IN_PROGRESS},
    S.LONG_TERM: {S.DISPATCHED, S.CLOSED},
}
OPEN = [S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.TAKEN, S.IN_PROGRESS, S.HANDLED, S.VERIFIED, S.ANSWERED, S.LONG_TERM]
# The stage each status is in, and so which deadline runs.
STAGE_OF = {
    S.SUBMITTED: Stage.ACCEPT,
    S.ACCEPTED: Stage.HANDLE,
    S.DISPATCHED: Stage.HANDLE,
    S.TAKEN: Stage.HANDLE,
    S.IN_PROGRESS: Stage.HANDLE,
    S.HANDLED: Stage.HANDLE,
    S.VERIFIED: Stage.ANSWER,
    S.ANSWERED: Stage.FOLLOW_UP,
}
HANDLING = [S.ACCEPTED, S.DISPATCHED, S.TAKEN, S.IN_PROGRESS]
RETURN_WINDOW_WORKING_DAYS = 2
REMIND_AT = Decimal("0.8")


class Conflict(ValidationError):
    """Someone else changed the request first (a concurrent take, a sweep): the user is told, nothing is lost."""


class IdempotencyConflict(ValidationError):
    """An Idempotency-Key reused with another payload: answered 409, and never with the first request."""


IDEMPOTENCY_REUSED = gettext_lazy("This Idempotency-Key was already used for a different submission. Send a new key with a new request.")
RATED_ONCE = gettext_lazy("This answer has already been rated, thank you. If the problem comes back, please submit a new request.")


def _require_at(actor, capability: str, ancestry: dict) -> None:
    if actor is None or not scope_for(actor, capability).contains(ancestry):
        raise PermissionDenied(_("Your role does not allow this action on this request."))


def _require(actor, capability: str, request: ResidentRequest) -> None:
    _require_at(actor, capability, request.ancestry())


def _remind_at(start: dt.datetime, due: dt.datetime) -> dt.datetime:
    return start + (due - start) * float(REMIND_AT)


def time_limit_for(category, urgency: str, stage: str) -> TimeLimit:
    """The most specific limit: the category, then its parent, then any category; the urgency, then any."""
    categories = [c for c in (category.pk, category.parent_id) if c]
    limits = TimeLimit.objects.filter(Q(category_id__in=categories) | Q(category__isnull=True), urgency__in=[urgency, ""], stage=stage)
    return _best_limit(list(limits), category, urgency)


def stage_deadline(request: ResidentRequest, stage: str, start: dt.datetime) -> dt.datetime:
    limit = time_limit_for(request.category, request.urgency, stage)
    due = calendar.deadline(start, limit.amount, limit.unit)
    if stage == Stage.HANDLE and request.extension_days:
        due = calendar.add_working_days(due, request.extension_days)
    return due


def _transition(
    request: ResidentRequest,
    *,
    to: str,
    actor,
    action: str,
    note: str = "",
    public: bool = False,
    restart_stage: bool = True,
    extra_filter: Q | None = None,
    **fields,
) -> ResidentRequest:
    frm = request.status
    if to not in TRANSITIONS.get(frm, set()):
        raise ValidationError(_("A request that is “%(status)s” cannot be moved to “%(to)s”.") % {"status": Status(frm).label, "to": Status(to).label})
    now = timezone.now()
    new_stage = STAGE_OF.get(to, "")
    if restart_stage and new_stage:
        request.stage = new_stage
        due = stage_deadline(request, new_stage, now)
        fields.update(stage=new_stage, stage_started_at=now, stage_deadline=due, remind_at=_remind_at(now, due), reminded_at=None)
        if new_stage == Stage.HANDLE:
            fields["handle_deadline"] = due
    elif not new_stage:
        fields.update(stage="", stage_deadline=None, remind_at=None, reminded_at=None)
    claim = ResidentRequest.objects.filter(pk=request.pk, status=frm)
    if extra_filter is not None:
        claim = claim.filter(extra_filter)
    # The conditional UPDATE is the lock: of two concurrent moves from the same status only one matches.
    if claim.update(status=to, updated_at=now, **fields) != 1:
        raise Conflict(_("Someone else has just changed this request; reload the page to see what it is now."))
    TimelineEntry.objects.create(
        request=request,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=frm,
        to_status=to,
        level=fields.get("level", request.level),
        note=note,
        public=public,
    )
    request.refresh_from_db()
    return request


def _on_time(request: ResidentRequest) -> bool | None:
    return None if request.stage_deadline is None else timezone.now() <= request.stage_deadline


def _notify(users, *, request: ResidentRequest, title: str, key: str) -> None:
    from django.urls import reverse

    from governance import notify

    for user in users:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user, key=f"{key}:{request.pk}", title=title, body=request.description[:200], url=reverse("request-detail", args=[request.pk])
                )
        except IntegrityError:
            continue
        transaction.on_commit(lambda n=notification: notify.send(n))


def _people_at_level(request: ResidentRequest, level: str):
    """Who handles the request's queue at a level: the grid's workers, the community's cadres, the street's cadres..."""
    grid = request.grid
    where = {
        HandlingLevel.GRID: Q(grid_id=grid.pk, role__in=[Role.GRID_WORKER, Role.GRID_LEADER]),
        HandlingLevel.COMMUNITY: Q(community_id=grid.community_id, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]),
        HandlingLevel.STREET: Q(street_id=grid.street_id, role=Role.STREET_CADRE),
        HandlingLevel.ALLIANCE: Q(street_id=grid.street_id, role=Role.STREET_CADRE),
        HandlingLevel.DISTRICT: Q(district_id=grid.district_id, role=Role.DISTRICT_ORG),
    }[level]
    return [m.user for m in Membership.objects.filter(where, user__is_active=True).select_related("user")]


@transaction.atomic
def request_submit(
    *,
    actor=None,
    source: str,
    category,
    description: str,
    grid,
    urgency: str = Urgency.SCHEDULED,
    building=None,
    household=None,
    visit=None,
    reporter_name: str = "",
    phone: str = "",
    anonymous: bool = False,
    idempotency_key: str = "",
    caller: str = "",
    photos=(),
) -> ResidentRequest:
    """Create a request (from any source) with its photos.

    A repeated Idempotency-Key returns the first request only to the same caller with the same payload (checked
    after validation): two residents behind one address who pick the same key never get each other's request.
    """
    if actor is not None and source != ResidentRequest.Source.PUBLIC_FORM:
        # Volunteers ("mobile grid workers") report in their community; staff in the area they handle.
        capability = Capability.VIEW_HIERARCHY if source == ResidentRequest.Source.VOLUNTEER else Capability.HANDLE_REQUESTS
        _require_at(actor, capability, grid.ancestry())
    if building is not None and building.grid_id != grid.pk:
        raise ValidationError({"building": _("The building is not in this grid.")})
    if household is not None and household.building_id != getattr(building, "pk", household.building_id):
        raise ValidationError({"household": _("The household is not in this building.")})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": _("Describe the problem in a few words (at least 5 characters).")})
    number = normalize_mobile(phone) if phone else ""
    if idempotency_key:
        payload = _payload_hash(
            source, category.pk, urgency, description, grid.pk, getattr(building, "pk", None), getattr(household, "pk", None), getattr(visit, "pk", None),
            reporter_name, number, anonymous, photos=photos,
        )  # fmt: skip
        existing = _idempotent_replay(caller=caller, key=idempotency_key, payload=payload)
        if existing is not None:
            return existing
    now = timezone.now()
    request = ResidentRequest(
        source=source,
        category=category,
        urgency=urgency,
        description=description[:2000],
        grid=grid,
        building=building or (household.building if household else None),
        household=household,
        visit=visit,
        reporter_name="" if anonymous else reporter_name.strip()[:50],
        phone_enc=encrypt(number),
        phone_hash=keyed_hash(number),
        phone_masked=mask_phone(number),
        anonymous=anonymous,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        stage=Stage.ACCEPT,
        stage_started_at=now,
    )
    request.stage_deadline = stage_deadline(request, Stage.ACCEPT, now)
    request.remind_at = _remind_at(now, request.stage_deadline)
    request.full_clean(exclude=["phone_enc", "phone_hash", "phone_masked"])
    request.save()
    TimelineEntry.objects.create(request=request, actor=request.created_by, action="submit", to_status=S.SUBMITTED, level=request.level, note="", public=True)
    if idempotency_key:
        try:
            with transaction.atomic():
                IdempotencyKey.objects.create(caller=caller, key=idempotency_key, payload_hash=payload, request=request)
        except IntegrityError as exc:
            # The same key is being used by a concurrent submission that committed first; this one is rolled back.
            raise IdempotencyConflict(IDEMPOTENCY_REUSED) from exc
    request_add_photos(request=request, files=photos)
    _notify(
        _people_at_level(request, HandlingLevel.COMMUNITY),
        request=request,
        title=_("New request to accept: %(category)s") % {"category": request.category.name},
        key="submitted",
    )
    return request


def _payload_hash(*values, photos=()) -> str:
    """A keyed digest of what was submitted, photos included: it holds a phone number, so a plain hash would reveal it."""
    digest = hashlib.sha256(repr(values).encode())
    for upload in photos:
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return keyed_hash(digest.hexdigest())


def _idempotent_replay(*, caller: str, key: str, payload: str) -> ResidentRequest | None:
    if not re.fullmatch(r"[\x21-\x7e]{1,100}", key):
        raise ValidationError({"idempotency_key": _("An Idempotency-Key is 1 to 100 visible ASCII characters.")})
    existing = IdempotencyKey.objects.filter(caller=caller, key=key).select_related("request").first()
    if existing is None:
        return None
    if not hmac.compare_digest(existing.payload_hash, payload):
        raise IdempotencyConflict(IDEMPOTENCY_REUSED)
    return existing.request


def possible_duplicates(request: ResidentRequest):
    """Same building and category, open, submitted in the last 7 days."""
    if request.building_id is None:
        return ResidentRequest.objects.none()
    since = request.created_at - dt.timedelta(days=7)
    return (
        ResidentRequest.objects.filter(building_id=request.building_id, category_id=request.category_id, status__in=OPEN, created_at__gte=since)
        .exclude(pk=request.pk)
        .order_by("created_at")
    )


@transaction.atomic
def request_accept(*, request, actor, note: str = "", public: bool = False) -> ResidentRequest:
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    return _transition(
        request, to=S.ACCEPTED, actor=actor, action="accept", note=note, public=public, accepted_at=timezone.now(), accepted_on_time=_on_time(request)
    )


@transaction.atomic
def request_refuse(*, request, actor, reason: str) -> ResidentRequest:
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    if len((reason or "").strip()) < 2:
        raise ValidationError({"reason": _("Give the resident the reason (at least 2 characters).")})
    return _transition(
        request,
        to=S.REFUSED,
        actor=actor,
        action="refuse",
        note=reason,
        public=True,
        accepted_on_time=_on_time(request),
        answer_note=reason,
        closed_at=timezone.now(),
    )


@transaction.atomic
def request_merge(*, request, into, actor) -> ResidentRequest:
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    if into.pk == request.pk or into.merged_into_id or into.status not in OPEN:
        raise ValidationError(_("Merge into another open request."))
    # The other request's tracking code is its resident's secret: staff see its number, the resident only that it was merged.
    return _transition(request, to=S.MERGED, actor=actor, action="merge", note=into.public_id, merged_into=into, closed_at=timezone.now())


@transaction.atomic
def request_withdraw(*, request, actor=None, note: str = "", public: bool = False) -> ResidentRequest:
    """By the resident on the status page (actor None, their own note) or by a cadre on the resident's behalf."""
    if actor is not None:
        _require(actor, Capability.DISPATCH_REQUESTS, request)
    return _transition(request, to=S.WITHDRAWN, actor=actor, action="withdraw", note=note, public=public or actor is None, closed_at=timezone.now())


@transaction.atomic
def request_dispatch(*, request, actor, handler=None, handler_unit=None, note: str = "", public: bool = False) -> ResidentRequest:
    """派单: to a person holding a handling role in the request's area, to a resident unit, or to the grid's workers (handler None)."""
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    if handler is not None and not scope_for(handler, Capability.HANDLE_REQUESTS).contains(request.ancestry()) and not _is_volunteer_of(handler, request):
        raise ValidationError({"handler": _("This person cannot handle requests in this area.")})
    if handler_unit is not None and handler_unit.community_id != request.grid.community_id:
        raise ValidationError({"handler_unit": _("The resident unit must be in the request's community.")})
    restart = request.status != S.LONG_TERM
    return _transition(
        request,
        to=S.DISPATCHED,
        actor=actor,
        action="dispatch",
        note=note,
        public=public,
        restart_stage=restart,
        handler=handler,
        handler_unit=handler_unit,
        dispatched_at=timezone.now(),
    )


def _is_volunteer_of(user, request) -> bool:
    """A confirmed volunteer of the request's community (a party member chosen by skill, 党员接单)."""
    from volunteers.models import ReviewStatus, Volunteer

    return Volunteer.objects.filter(user=user, community_id=request.grid.community_id, status=ReviewStatus.CONFIRMED).exists()


@transaction.atomic
def request_take(*, request, actor) -> ResidentRequest:
    """接单: the named handler, or any handler of the area when dispatched to the grid. One winner only."""
    if request.handler_unit_id is not None and request.handler_id is None:
        _require_handler(request, actor)
        return _transition(request, to=S.TAKEN, actor=actor, action="take", note=request.handler_unit.name, restart_stage=False)
    if request.handler_id != actor.pk:
        _require(actor, Capability.HANDLE_REQUESTS, request)
        if request.handler_id is not None:
            raise Conflict(_("This request was dispatched to someone else."))
    # Only a request still without a handler, or dispatched to this person, can be taken.
    claim = Q(handler__isnull=True) | Q(handler=actor)
    return _transition(request, to=S.TAKEN, actor=actor, action="take", restart_stage=False, extra_filter=claim, handler=actor)


def _require_handler(request, actor) -> None:
    """The handler acts; for a resident unit (which has no account) the cadre who dispatched to it records on its behalf."""
    if request.handler_id is None and request.handler_unit_id is not None:
        _require(actor, Capability.DISPATCH_REQUESTS, request)
    elif request.handler_id != actor.pk:
        raise PermissionDenied(_("Only the person handling this request can do this."))


@transaction.atomic
def request_progress(*, request, actor, note: str, public: bool = False) -> ResidentRequest:
    _require_handler(request, actor)
    if request.status == S.IN_PROGRESS:
        TimelineEntry.objects.create(
            request=request, actor=actor, action="note", from_status=request.status, to_status=request.status, level=request.level, note=note, public=public
        )
        return request
    return _transition(request, to=S.IN_PROGRESS, actor=actor, action="start", note=note, public=public, restart_stage=False)


@transaction.atomic
def request_handle(*, request, actor, result_note: str, photos=(), public: bool = False) -> ResidentRequest:
    _require_handler(request, actor)
    request_add_photos(request=request, files=photos, kind=RequestPhoto.Kind.RESULT)
    if len((result_note or "").strip()) < 2:
        raise ValidationError({"result_note": _("Say what was done (at least 2 characters).")})
    return _transition(
        request,
        to=S.HANDLED,
        actor=actor,
        action="handle",
        note=result_note,
        public=public,
        restart_stage=False,
        result_note=result_note,
        handled_at=timezone.now(),
        handled_on_time=_on_time(request),
    )


@transaction.atomic
def request_verify(*, request, actor, passed: bool, note: str = "", public: bool = False) -> ResidentRequest:
    """核查 by someone other than the handler; a failed check sends it back as rework (返工)."""
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    if actor.pk == request.handler_id:
        raise PermissionDenied(_("The check must be made by someone other than the handler."))
    if passed:
        request = _transition(request, to=S.VERIFIED, actor=actor, action="verify", note=note, public=public)
        _credit_volunteer(request, actor)
        return request
    if len(note.strip()) < 2:
        raise ValidationError({"note": _("Say what is still wrong (at least 2 characters).")})
    return _transition(
        request, to=S.IN_PROGRESS, actor=actor, action="rework", note=note, public=public, rework_count=F("rework_count") + 1, handled_on_time=None
    )


def _credit_volunteer(request: ResidentRequest, actor) -> None:
    """Confirmed handling by a volunteer earns points once (the check is the confirmation)."""
    from volunteers.models import PointsEntry, PointsRule, Volunteer
    from volunteers.services import points_add

    volunteer = Volunteer.objects.filter(user_id=request.handler_id).first() if request.handler_id else None
    # Entries written before requests had a public number start with the tracking code.
    credited = Q(note__startswith=request.public_id) | Q(note__startswith=request.tracking_code)
    if volunteer is None or PointsEntry.objects.filter(credited, volunteer=volunteer, kind=PointsEntry.Kind.REQUEST).exists():
        return
    rule = PointsRule.objects.filter(kind=PointsEntry.Kind.REQUEST).first()
    if rule is not None:
        points_add(
            volunteer=volunteer,
            kind=PointsEntry.Kind.REQUEST,
            points=rule.points_per_service,
            note=f"{request.public_id} {request.category.name}",
            actor=actor,
        )


@transaction.atomic
def request_answer(*, request, actor, answer_note: str) -> ResidentRequest:
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    if len((answer_note or "").strip()) < 2:
        raise ValidationError({"answer_note": _("Write what the resident is told (at least 2 characters).")})
    return _transition(
        request,
        to=S.ANSWERED,
        actor=actor,
        action="answer",
        note=answer_note,
        public=True,
        answer_note=answer_note,
        answered_at=timezone.now(),
        answered_on_time=_on_time(request),
    )


def satisfied(rating: int) -> bool:
    return rating >= (3 if getattr(settings, "REQUESTS_FAIRLY_SATISFIED_COUNTS", True) else 4)


@transaction.atomic
def request_follow_up(*, request, actor=None, rating: int | None = None, note: str = "", declined: bool = False, public: bool = False) -> ResidentRequest:
    """回访: a satisfied rating (or a declined follow-up) closes; an unsatisfied one reopens it as a redo (重办).

    actor None is the resident on the status page, who holds the tracking code: each answer is rated once. The
    conditional UPDATE in _transition claims the request only while it is still answered, so a second rating of
    the same answer, even one sent at the same moment, is refused with a clear message.
    """
    if actor is not None:
        _require(actor, Capability.DISPATCH_REQUESTS, request)
    elif request.status != S.ANSWERED:
        raise ValidationError(RATED_ONCE)
    if declined:
        to, action, fields = S.CLOSED, "follow_up_declined", {"follow_up_declined": True, "closed_at": timezone.now()}
    elif rating not in ResidentRequest.Rating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    elif satisfied(rating):
        to, action, fields = S.CLOSED, "follow_up", {"rating": rating, "rating_note": note[:200], "closed_at": timezone.now()}
    else:
        to, action, fields = S.IN_PROGRESS, "redo", {"rating": rating, "rating_note": note[:200], "redo_count": F("redo_count") + 1, "handled_on_time": None}
    try:
        # The resident's own comment shows on their own page; a cadre's note only when marked for the resident.
        return _transition(
            request, to=to, actor=actor, action=action, note=note, public=public or actor is None, followed_up_on_time=_on_time(request), **fields
        )
    except Conflict as exc:
        if actor is None:
            raise ValidationError(RATED_ONCE) from exc
        raise


@transaction.atomic
def request_return(*, request, actor, reason: str) -> ResidentRequest:
    """回退 as misrouted, within two working days of dispatch."""
    if request.handler_id not in (None, actor.pk):
        raise PermissionDenied(_("Only the person handling this request can do this."))
    _require(actor, Capability.HANDLE_REQUESTS, request)
    if request.dispatched_at is None or calendar.working_days_between(request.dispatched_at, timezone.now()) > RETURN_WINDOW_WORKING_DAYS:
        raise ValidationError(_("A request can be returned only within 2 working days of its dispatch."))
    if len((reason or "").strip()) < 2:
        raise ValidationError({"reason": _("Say why it is misrouted (at least 2 characters).")})
    return _transition(
        request,
        to=S.ACCEPTED,
        actor=actor,
        action="return",
        note=reason,
        restart_stage=False,
        handler=None,
        handler_unit=None,
        returned_count=F("returned_count") + 1,
    )


@transaction.atomic
def request_long_term(*, request, actor, explanation: str) -> ResidentRequest:
    """挂账: explained to the resident on the record, reviewed monthly, never auto-escalated."""
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    if len((explanation or "").strip()) < 10:
        raise ValidationError({"explanation": _("Explain to the resident why it takes longer (at least 10 characters).")})
    return _transition(
        request, to=S.LONG_TERM, actor=actor, action="long_term", note=explanation, public=True, answer_note=explanation, handled_on_time=_on_time(request)
    )


@transaction.atomic
def request_extension_ask(*, request, actor, days: int, reason: str) -> ResidentRequest:
    _require_handler(request, actor)
    if request.status not in (S.TAKEN, S.IN_PROGRESS):
        raise ValidationError(_("An extension is asked for while the request is being handled."))
    if days < 1 or request.extension_days + days > request.category.max_extension_days:
        raise ValidationError({"days": _("At most %(max)d working days of extension in all for this category.") % {"max": request.category.max_extension_days}})
    ResidentRequest.objects.filter(pk=request.pk).update(extension_requested_days=days, extension_reason=reason[:200])
    TimelineEntry.objects.create(
        request=request,
        actor=actor,
        action="extension_ask",
        from_status=request.status,
        to_status=request.status,
        level=request.level,
        note=f"{days}: {reason}",
    )
    request.refresh_from_db()
    return request


@transaction.atomic
def request_extension_decide(*, request, actor, approve: bool, note: str = "") -> ResidentRequest:
    """延期 approved by the level above the handler's (a community cadre for the grid, and so on)."""
    if not can_decide_extension(request, actor):
        raise PermissionDenied(_("An extension is approved by the level above the handler."))
    days = request.extension_requested_days
    if not days:
        raise ValidationError(_("No extension is waiting for a decision."))
    changes = {"extension_requested_days": 0}
    if approve:
        due = calendar.add_working_days(request.stage_deadline, days)
        changes.update(
            extension_days=F("extension_days") + days,
            stage_deadline=due,
            handle_deadline=due,
            remind_at=_remind_at(request.stage_started_at, due),
            reminded_at=None,
        )
    ResidentRequest.objects.filter(pk=request.pk, extension_requested_days=days).update(**changes)
    TimelineEntry.objects.create(
        request=request,
        actor=actor,
        action="extension_approved" if approve else "extension_refused",
        from_status=request.status,
        to_status=request.status,
        level=request.level,
        note=note,
    )
    request.refresh_from_db()
    return request


def next_level(level: str) -> str | None:
    index = LADDER.index(level)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


@transaction.atomic
def request_escalate(*, request, actor=None, reason: str, proposal: str = "") -> ResidentRequest:
    """Up one rung of the ladder with a fresh handling limit; the lower level keeps read access (same grid)."""
    if actor is not None:
        _require(actor, Capability.HANDLE_REQUESTS, request)
        if len((reason or "").strip()) < 2:
            raise ValidationError({"reason": _("Say why it cannot be solved at this level (at least 2 characters).")})
    if request.status == S.LONG_TERM or request.status not in (S.ACCEPTED, S.DISPATCHED, S.TAKEN, S.IN_PROGRESS):
        raise ValidationError(_("Only a request being handled can be escalated."))
    target = next_level(request.level)
    if target is None:
        raise ValidationError(_("The request is already at the district, the last rung."))
    note = reason + (f"\n{_('Proposed solution')}: {proposal}" if proposal else "")
    request = _transition(
        request,
        to=S.ACCEPTED,
        actor=actor,
        action="escalate",
        note=note,
        level=target,
        handler=None,
        handler_unit=None,
        escalation_count=F("escalation_count") + 1,
    )
    _notify(
        _people_at_level(request, target),
        request=request,
        title=_("Request escalated to you: %(category)s") % {"category": request.category.name},
        key=f"escalated-{target}",
    )
    return request


def requests_sweep(*, now: dt.datetime | None = None, batch_size: int = 500) -> dict:
    """催办 at 80% of the stage's time, escalation at the deadline; long-term and merged requests are skipped.

    Work is claimed with conditional UPDATEs, so concurrent or retried sweeps act on each missed deadline
    exactly once. Returns the counts and whether a full batch suggests more work is waiting.
    """
    now = now or timezone.now()
    escalated = reminded = 0
    overdue = ResidentRequest.objects.filter(status__in=HANDLING, stage=Stage.HANDLE, stage_deadline__lt=now).exclude(level=HandlingLevel.DISTRICT)
    picked = list(overdue.order_by("stage_deadline").values_list("pk", "level", "category_id", "category__parent_id", "urgency")[:batch_size])
    for level in LADDER[:-1]:
        rows = [row for row in picked if row[1] == level]
        if rows:
            escalated += _escalate_batch(picked=rows, level=level, now=now)
    due_reminders = ResidentRequest.objects.filter(
        status__in=HANDLING, stage=Stage.HANDLE, remind_at__lte=now, reminded_at__isnull=True, stage_deadline__gte=now
    )
    for pk, due in list(due_reminders.order_by("remind_at").values_list("pk", "stage_deadline")[:batch_size]):
        with transaction.atomic():
            # Claim: only the sweep whose UPDATE matches sends this reminder.
            if ResidentRequest.objects.filter(pk=pk, reminded_at__isnull=True, stage_deadline=due).update(reminded_at=now) != 1:
                continue
            request = ResidentRequest.objects.select_related("category", "grid", "handler").get(pk=pk)
            people = [request.handler] if request.handler else _people_at_level(request, request.level)
            title = _("Reminder (催办): %(category)s is due %(due)s") % {
                "category": request.category.name,
                "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
            }
            _notify(people, request=request, title=title, key=f"remind-{due.timestamp():.0f}")
            TimelineEntry.objects.create(request=request, action="remind", from_status=request.status, to_status=request.status, level=request.level)
            reminded += 1
    return {"reminded": reminded, "escalated": escalated, "more": len(picked) == batch_size or reminded == batch_size}


def _escalate_batch(*, picked: list[tuple], level: str, now: dt.datetime) -> int:
    """Escalate the overdue requests of one level together.

    Requests sharing a time limit get the same new deadline, so each group is claimed and moved by one
    conditional UPDATE: only rows still overdue at that level match, and the claim stamps them with this
    sweep's own time, so a concurrent sweep can neither claim them again nor mistake them for its own.
    Timeline rows and one notification per person follow in bulk.
    """
    target = next_level(level)
    stamp = timezone.now()
    limits = list(TimeLimit.objects.filter(stage=Stage.HANDLE))
    cal = calendar.calendar_for(timezone.localdate(stamp), timezone.localdate(stamp) + dt.timedelta(days=120))
    groups: dict[int, list[int]] = {}
    for pk, _level, category_id, parent_id, urgency in picked:
        limit = _best_limit(limits, _CategoryKey(category_id, parent_id), urgency)
        groups.setdefault(limit.pk, []).append(pk)
    by_pk = {limit.pk: limit for limit in limits}
    with transaction.atomic():
        for limit_pk, ids in groups.items():
            due = calendar.deadline(stamp, by_pk[limit_pk].amount, by_pk[limit_pk].unit, cal)
            ResidentRequest.objects.filter(pk__in=ids, level=level, status__in=HANDLING, stage=Stage.HANDLE, stage_deadline__lt=now).update(
                status=S.ACCEPTED, level=target, handler=None, handler_unit=None, escalation_count=F("escalation_count") + 1, stage_started_at=stamp,
                stage_deadline=due, handle_deadline=due, remind_at=_remind_at(stamp, due), reminded_at=None, updated_at=stamp,
            )  # fmt: skip
        claimed = list(ResidentRequest.objects.filter(pk__in=[row[0] for row in picked], level=target, stage_started_at=stamp).select_related("grid"))
        note = _("Deadline passed: escalated automatically.")
        TimelineEntry.objects.bulk_create(
            [TimelineEntry(request=request, action="escalate", to_status=S.ACCEPTED, level=target, note=note) for request in claimed]
        )
        _notify_escalations(claimed, target=target, stamp=stamp)
    return len(claimed)


@dataclass(frozen=True)
class _CategoryKey:
    """What the time-limit lookup needs of a category, without loading it."""

    pk: int
    parent_id: int | None


def _best_limit(limits: list[TimeLimit], category, urgency: str) -> TimeLimit:
    order = [category.pk, category.parent_id, None]
    candidates = [limit for limit in limits if limit.category_id in order and limit.urgency in (urgency, "")]
    if not candidates:
        raise ValidationError(_("No time limit is set for this stage; ask the district to complete the time-limit table."))
    return min(candidates, key=lambda limit: (order.index(limit.category_id), limit.urgency != urgency))


def _notify_escalations(rows, *, target: str, stamp: dt.datetime) -> None:
    """One notification per person of the receiving level for the whole batch, not one per request."""
    from django.urls import reverse

    from governance import notify

    people: dict[int, list] = {}
    staff_by_place: dict[tuple, list] = {}
    for request in rows:
        place = _place_at_level(request, target)
        # Requests of a batch share few places: each place's people are read once.
        if place not in staff_by_place:
            staff_by_place[place] = _people_at_level(request, target)
        for person in staff_by_place[place]:
            people.setdefault(person.pk, [person, 0])[1] += 1
    notifications = [
        Notification(
            user=person,
            key=f"escalated-{target}:{stamp.timestamp():.6f}",
            title=_("%(count)d requests escalated to you") % {"count": count},
            url=reverse("request-board"),
        )
        for person, count in people.values()
    ]
    for notification in Notification.objects.bulk_create(notifications, ignore_conflicts=True):
        transaction.on_commit(lambda n=notification: notify.send(n))


def _place_at_level(request: ResidentRequest, level: str) -> tuple:
    grid = request.grid
    return {
        HandlingLevel.GRID: ("grid", grid.pk),
        HandlingLevel.COMMUNITY: ("community", grid.community_id),
        HandlingLevel.STREET: ("street", grid.street_id),
        HandlingLevel.ALLIANCE: ("street", grid.street_id),
        HandlingLevel.DISTRICT: ("district", grid.district_id),
    }[level]


MAX_PHOTOS = 9


@transaction.atomic
def request_add_photos(*, request, files, kind: str = RequestPhoto.Kind.REPORT) -> list[RequestPhoto]:
    """Up to nine photos a request; each checked by content, stripped of location data, with a thumbnail."""
    files = list(files or [])
    if request.photos.count() + len(files) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most 9 photos per request.")})
    photos = []
    for index, upload in enumerate(files, start=1):
        cleaned = image_clean(upload, name_prefix=f"request-{request.pk}-{kind}-{index}")
        photos.append(RequestPhoto.objects.create(request=request, kind=kind, image=cleaned, thumbnail=image_thumbnail(cleaned)))
    return photos


@transaction.atomic
def alliance_meeting_assign(
    *, request, actor, held_on: dt.date, units, attendees: str, decisions: str, unit, responsible_person: str, public: bool = False
) -> ResidentRequest:
    """At street level, the red-alliance meeting names the resident unit and the person responsible (分包责任人)."""
    _require(actor, Capability.DISPATCH_REQUESTS, request)
    street = request.grid.street
    if request.level not in (HandlingLevel.STREET, HandlingLevel.ALLIANCE):
        raise ValidationError(_("Only a request at the street can go to the red-alliance meeting."))
    if unit.community.street_id != street.pk or any(u.community.street_id != street.pk for u in units):
        raise ValidationError({"unit": _("The units must belong to this street.")})
    if not responsible_person.strip() or len(decisions.strip()) < 2:
        raise ValidationError(_("Record the decision and the person responsible."))
    meeting, _created = AllianceMeeting.objects.get_or_create(
        street=street, held_on=held_on, defaults={"attendees": attendees, "decisions": decisions, "created_by": actor}
    )
    meeting.units.add(*units, unit)
    if request.level == HandlingLevel.STREET:
        request = _transition(request, to=S.ACCEPTED, actor=actor, action="to_alliance", note=decisions, level=HandlingLevel.ALLIANCE)
    return _transition(
        request,
        to=S.DISPATCHED,
        actor=actor,
        action="alliance_dispatch",
        note=f"{unit.name} · {responsible_person}: {decisions}",
        public=public,
        handler=None,
        handler_unit=unit,
        responsible_person=responsible_person.strip()[:50],
        meeting=meeting,
        dispatched_at=timezone.now(),
    )


def requests_long_term_review(*, today: dt.date) -> int:
    """Monthly: each community's cadres are reminded of the requests kept open long-term (挂账) in their community."""
    from django.db.models import Count
    from django.urls import reverse

    from governance import notify

    counts = dict(ResidentRequest.objects.filter(status=S.LONG_TERM).values_list("grid__community_id").annotate(n=Count("pk")))
    memberships = Membership.objects.filter(
        community_id__in=counts, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE], user__is_active=True
    ).select_related("user")
    notifications = [
        Notification(
            user=m.user,
            key=f"long-term:{today:%Y-%m}",
            title=_("%(count)d long-term requests to review this month") % {"count": counts[m.community_id]},
            url=reverse("request-board"),
        )
        for m in memberships
    ]
    created = Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    for notification in created:
        transaction.on_commit(lambda n=notification: notify.send(n))
    return len(created)
