"""The closed loop of a resident request (群众点单、社区派单、党员接单): one service per step a person takes.

Each step checks the actor, validates its input and moves the status through transition(), which refuses an
illegal or concurrent move and writes the timeline row in the same transaction.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.roles import Capability
from governance.scope import scope_for
from resident_requests import calendar
from resident_requests.lifecycle import OPEN, Status, TimelineAction
from resident_requests.models import RequestPhoto, ResidentRequest
from resident_requests.permissions import can_decide_extension
from resident_requests.services.deadlines import accepted_in_time, on_time, reminder_time
from resident_requests.services.intake import request_add_photos
from resident_requests.services.notices import notify_next
from resident_requests.services.transition import Conflict, require, require_handler, timeline_record, transition
from volunteers.models import PointsEntry, PointsRule, ReviewStatus, Volunteer
from volunteers.services import points_add

RETURN_WINDOW_WORKING_DAYS = 2
RATED_ONCE = gettext_lazy("This answer has already been rated, thank you. If the problem comes back, please submit a new request.")


@transaction.atomic
def request_accept(*, resident_request: ResidentRequest, actor, note: str = "", public: bool = False) -> ResidentRequest:
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    return transition(
        resident_request,
        to=Status.ACCEPTED,
        actor=actor,
        action=TimelineAction.ACCEPT,
        note=note,
        public=public,
        accepted_at=timezone.now(),
        accepted_on_time=accepted_in_time(resident_request),
    )


@transaction.atomic
def request_refuse(*, resident_request: ResidentRequest, actor, reason: str) -> ResidentRequest:
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    if len((reason or "").strip()) < 2:
        raise ValidationError({"reason": _("Give the resident the reason (at least 2 characters).")})
    return transition(
        resident_request,
        to=Status.REFUSED,
        actor=actor,
        action=TimelineAction.REFUSE,
        note=reason,
        public=True,
        accepted_on_time=accepted_in_time(resident_request),
        answer_note=reason,
        closed_at=timezone.now(),
    )


@transaction.atomic
def request_merge(*, resident_request: ResidentRequest, into: ResidentRequest, actor) -> ResidentRequest:
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    if into.pk == resident_request.pk or into.merged_into_id or into.status not in OPEN:
        raise ValidationError(_("Merge into another open request."))
    # The other request's tracking code is its resident's secret: staff see its number, the resident only that it was merged.
    return transition(
        resident_request, to=Status.MERGED, actor=actor, action=TimelineAction.MERGE, note=into.public_id, merged_into=into, closed_at=timezone.now()
    )


@transaction.atomic
def request_withdraw(*, resident_request: ResidentRequest, actor, note: str = "", public: bool = False) -> ResidentRequest:
    """撤回 by a cadre on the resident's behalf (the resident asks on the phone or in person)."""
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    return transition(
        resident_request,
        to=Status.WITHDRAWN,
        actor=actor,
        action=TimelineAction.WITHDRAW,
        note=note,
        public=public,
        closed_at=timezone.now(),
    )


@transaction.atomic
def request_dispatch(*, resident_request: ResidentRequest, actor, handler=None, handler_unit=None, note: str = "", public: bool = False) -> ResidentRequest:
    """派单: to a person holding a handling role in the request's area, to a resident unit, or to the grid's workers (handler None)."""
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    if (
        handler is not None
        and not scope_for(handler, Capability.HANDLE_REQUESTS).contains(resident_request.ancestry())
        and not _is_volunteer_of(handler, resident_request)
    ):
        raise ValidationError({"handler": _("This person cannot handle requests in this area.")})
    if handler_unit is not None and handler_unit.community_id != resident_request.grid.community_id:
        raise ValidationError({"handler_unit": _("The resident unit must be in the request's community.")})
    resident_request = transition(
        resident_request,
        to=Status.DISPATCHED,
        actor=actor,
        action=TimelineAction.DISPATCH,
        note=note,
        public=public,
        restart_stage=resident_request.status != Status.LONG_TERM,
        handler=handler,
        handler_unit=handler_unit,
        dispatched_at=timezone.now(),
    )
    notify_next(resident_request, actor=actor)
    return resident_request


def _is_volunteer_of(user, resident_request: ResidentRequest) -> bool:
    """A confirmed volunteer of the request's community (a party member chosen by skill, 党员接单)."""
    return Volunteer.objects.filter(user=user, community_id=resident_request.grid.community_id, status=ReviewStatus.CONFIRMED).exists()


@transaction.atomic
def request_take(*, resident_request: ResidentRequest, actor) -> ResidentRequest:
    """接单: the named handler, or any handler of the area when dispatched to the grid. One winner only."""
    if resident_request.handler_unit_id is not None and resident_request.handler_id is None:
        require_handler(resident_request, actor)
        return transition(
            resident_request, to=Status.TAKEN, actor=actor, action=TimelineAction.TAKE, note=resident_request.handler_unit.name, restart_stage=False
        )
    if resident_request.handler_id != actor.pk:
        require(actor, Capability.HANDLE_REQUESTS, resident_request)
        if resident_request.handler_id is not None:
            raise Conflict(_("This request was dispatched to someone else."))
    # Only a request still without a handler, or dispatched to this person, can be taken.
    claim = Q(handler__isnull=True) | Q(handler=actor)
    return transition(resident_request, to=Status.TAKEN, actor=actor, action=TimelineAction.TAKE, restart_stage=False, extra_filter=claim, handler=actor)


@transaction.atomic
def request_progress(*, resident_request: ResidentRequest, actor, note: str, public: bool = False) -> ResidentRequest:
    require_handler(resident_request, actor)
    if resident_request.status == Status.IN_PROGRESS:
        timeline_record(resident_request, action=TimelineAction.NOTE, actor=actor, note=note, public=public)
        return resident_request
    return transition(resident_request, to=Status.IN_PROGRESS, actor=actor, action=TimelineAction.START, note=note, public=public, restart_stage=False)


@transaction.atomic
def request_handle(*, resident_request: ResidentRequest, actor, result_note: str, photos=(), public: bool = False) -> ResidentRequest:
    require_handler(resident_request, actor)
    # Checked before the photos are decoded and stored, so a refused note leaves no files behind.
    if len((result_note or "").strip()) < 2:
        raise ValidationError({"result_note": _("Say what was done (at least 2 characters).")})
    request_add_photos(resident_request=resident_request, files=photos, kind=RequestPhoto.Kind.RESULT)
    # Verification runs on its own clock: a request handled in time is not late while it waits for the check.
    resident_request = transition(
        resident_request,
        to=Status.HANDLED,
        actor=actor,
        action=TimelineAction.HANDLE,
        note=result_note,
        public=public,
        result_note=result_note,
        handled_at=timezone.now(),
        handled_on_time=on_time(resident_request),
    )
    notify_next(resident_request, actor=actor)
    return resident_request


@transaction.atomic
def request_verify(*, resident_request: ResidentRequest, actor, passed: bool, note: str = "", public: bool = False) -> ResidentRequest:
    """核查 by someone other than the handler; a failed check sends it back as rework (返工)."""
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    if actor.pk == resident_request.handler_id:
        raise PermissionDenied(_("The check must be made by someone other than the handler."))
    if passed:
        resident_request = transition(
            resident_request,
            to=Status.VERIFIED,
            actor=actor,
            action=TimelineAction.VERIFY,
            note=note,
            public=public,
            verified_on_time=on_time(resident_request),
        )
        _credit_volunteer(resident_request, actor)
    else:
        if len(note.strip()) < 2:
            raise ValidationError({"note": _("Say what is still wrong (at least 2 characters).")})
        resident_request = transition(
            resident_request,
            to=Status.IN_PROGRESS,
            actor=actor,
            action=TimelineAction.REWORK,
            note=note,
            public=public,
            rework_count=F("rework_count") + 1,
            handled_on_time=None,
            verified_on_time=on_time(resident_request),
        )
    notify_next(resident_request, actor=actor)
    return resident_request


def _credit_volunteer(resident_request: ResidentRequest, actor) -> None:
    """Confirmed handling by a volunteer earns points once (the check is the confirmation)."""
    volunteer = Volunteer.objects.filter(user_id=resident_request.handler_id).first() if resident_request.handler_id else None
    if (
        volunteer is None
        or PointsEntry.objects.filter(note__startswith=resident_request.public_id, volunteer=volunteer, kind=PointsEntry.Kind.REQUEST).exists()
    ):
        return
    rule = PointsRule.objects.filter(kind=PointsEntry.Kind.REQUEST).first()
    if rule is not None:
        points_add(
            volunteer=volunteer,
            kind=PointsEntry.Kind.REQUEST,
            points=rule.points_per_service,
            note=f"{resident_request.public_id} {resident_request.category.name}",
            actor=actor,
        )


@transaction.atomic
def request_answer(*, resident_request: ResidentRequest, actor, answer_note: str) -> ResidentRequest:
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    if len((answer_note or "").strip()) < 2:
        raise ValidationError({"answer_note": _("Write what the resident is told (at least 2 characters).")})
    resident_request = transition(
        resident_request,
        to=Status.ANSWERED,
        actor=actor,
        action=TimelineAction.ANSWER,
        note=answer_note,
        public=True,
        answer_note=answer_note,
        answered_at=timezone.now(),
        answered_on_time=on_time(resident_request),
    )
    notify_next(resident_request, actor=actor)
    return resident_request


def satisfied(rating: int) -> bool:
    return rating >= (3 if getattr(settings, "REQUESTS_FAIRLY_SATISFIED_COUNTS", True) else 4)


@transaction.atomic
def request_follow_up(
    *, resident_request: ResidentRequest, actor=None, rating: int | None = None, note: str = "", declined: bool = False, public: bool = False
) -> ResidentRequest:
    """回访: a satisfied rating (or a declined follow-up) closes; an unsatisfied one reopens it as a redo (重办).

    actor None is the resident on the status page, who holds the tracking code: each answer is rated once. The
    conditional UPDATE in transition() claims the request only while it is still answered, so a second rating of
    the same answer, even one sent at the same moment, is refused with a clear message.
    """
    if actor is not None:
        require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    elif resident_request.status != Status.ANSWERED:
        raise ValidationError(RATED_ONCE)
    if declined:
        to, action, fields = Status.CLOSED, TimelineAction.FOLLOW_UP_DECLINED, {"follow_up_declined": True, "closed_at": timezone.now()}
    elif rating not in ResidentRequest.Rating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    elif satisfied(rating):
        to, action, fields = Status.CLOSED, TimelineAction.FOLLOW_UP, {"rating": rating, "rating_note": note[:200], "closed_at": timezone.now()}
    else:
        to, action = Status.IN_PROGRESS, TimelineAction.REDO
        fields = {"rating": rating, "rating_note": note[:200], "redo_count": F("redo_count") + 1, "handled_on_time": None}
    try:
        # The resident's own comment shows on their own page; a cadre's note only when marked for the resident.
        resident_request = transition(
            resident_request,
            to=to,
            actor=actor,
            action=action,
            note=note,
            public=public or actor is None,
            followed_up_on_time=on_time(resident_request),
            **fields,
        )
    except Conflict as exc:
        if actor is None:
            raise ValidationError(RATED_ONCE) from exc
        raise
    notify_next(resident_request, actor=actor)
    return resident_request


@transaction.atomic
def request_return(*, resident_request: ResidentRequest, actor, reason: str) -> ResidentRequest:
    """回退 as misrouted, within two working days of dispatch."""
    if resident_request.handler_id not in (None, actor.pk):
        raise PermissionDenied(_("Only the person handling this request can do this."))
    require(actor, Capability.HANDLE_REQUESTS, resident_request)
    dispatched_at = resident_request.dispatched_at
    if dispatched_at is None or calendar.working_days_between(dispatched_at, timezone.now()) > RETURN_WINDOW_WORKING_DAYS:
        raise ValidationError(_("A request can be returned only within 2 working days of its dispatch."))
    if len((reason or "").strip()) < 2:
        raise ValidationError({"reason": _("Say why it is misrouted (at least 2 characters).")})
    resident_request = transition(
        resident_request,
        to=Status.ACCEPTED,
        actor=actor,
        action=TimelineAction.RETURN,
        note=reason,
        restart_stage=False,
        handler=None,
        handler_unit=None,
        returned_count=F("returned_count") + 1,
    )
    notify_next(resident_request, actor=actor)
    return resident_request


@transaction.atomic
def request_long_term(*, resident_request: ResidentRequest, actor, explanation: str) -> ResidentRequest:
    """挂账: explained to the resident on the record, reviewed monthly, never auto-escalated."""
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    if len((explanation or "").strip()) < 10:
        raise ValidationError({"explanation": _("Explain to the resident why it takes longer (at least 10 characters).")})
    return transition(
        resident_request,
        to=Status.LONG_TERM,
        actor=actor,
        action=TimelineAction.LONG_TERM,
        note=explanation,
        public=True,
        answer_note=explanation,
        handled_on_time=on_time(resident_request),
    )


@transaction.atomic
def request_extension_ask(*, resident_request: ResidentRequest, actor, days: int, reason: str) -> ResidentRequest:
    require_handler(resident_request, actor)
    if resident_request.status not in (Status.TAKEN, Status.IN_PROGRESS):
        raise ValidationError(_("An extension is asked for while the request is being handled."))
    most = resident_request.category.max_extension_days
    if days < 1 or resident_request.extension_days + days > most:
        raise ValidationError({"days": _("At most %(max)d working days of extension in all for this category.") % {"max": most}})
    ResidentRequest.objects.filter(pk=resident_request.pk).update(extension_requested_days=days, extension_reason=reason[:200])
    timeline_record(resident_request, action=TimelineAction.EXTENSION_ASK, actor=actor, note=f"{days}: {reason}")
    resident_request.refresh_from_db()
    return resident_request


@transaction.atomic
def request_extension_decide(*, resident_request: ResidentRequest, actor, approve: bool, note: str = "") -> ResidentRequest:
    """延期 approved by the level above the handler's (a community cadre for the grid, and so on)."""
    if not can_decide_extension(resident_request, actor):
        raise PermissionDenied(_("An extension is approved by the level above the handler."))
    days = resident_request.extension_requested_days
    if not days:
        raise ValidationError(_("No extension is waiting for a decision."))
    changes = {"extension_requested_days": 0}
    if approve:
        due = calendar.add_working_days(resident_request.stage_deadline, days)
        changes.update(
            extension_days=F("extension_days") + days,
            stage_deadline=due,
            handle_deadline=due,
            remind_at=reminder_time(resident_request.stage_started_at, due),
            reminded_at=None,
        )
    if ResidentRequest.objects.filter(pk=resident_request.pk, extension_requested_days=days).update(**changes) != 1:
        # Someone else decided first: their decision stands and the timeline keeps only theirs.
        raise Conflict(_("Someone else has just decided this extension; reload the page."))
    timeline_record(resident_request, action=TimelineAction.EXTENSION_APPROVED if approve else TimelineAction.EXTENSION_REFUSED, actor=actor, note=note)
    resident_request.refresh_from_db()
    return resident_request
