"""The one function that moves a request's status, and the permission checks every request service starts with.

Every move is checked against lifecycle.TRANSITIONS, applied with a conditional UPDATE on the status it starts
from (so two people acting at once give one winner), and written to the append-only timeline in the same transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.badges import badge_forget, waiting_key
from governance.roles import Capability
from governance.scope import scope_for
from resident_requests.lifecycle import STAGE_OF, TRANSITIONS, Stage, Status
from resident_requests.models import ResidentRequest, TimelineEntry
from resident_requests.services.deadlines import reminder_time, stage_deadline


class Conflict(ValidationError):
    """Someone else changed the request first (a concurrent take, a sweep): the user is told, nothing is lost."""


def require_at(actor, capability: str, ancestry: dict) -> None:
    if actor is None or not scope_for(actor, capability).contains(ancestry):
        raise PermissionDenied(_("Your role does not allow this action on this request."))


def require(actor, capability: str, resident_request: ResidentRequest) -> None:
    require_at(actor, capability, resident_request.ancestry())


def require_handler(resident_request: ResidentRequest, actor) -> None:
    """The handler acts; for a resident unit (which has no account) the cadre who dispatched to it records on its behalf."""
    if resident_request.handler_id is None and resident_request.handler_unit_id is not None:
        require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    elif resident_request.handler_id != actor.pk:
        raise PermissionDenied(_("Only the person handling this request can do this."))


def transition(
    resident_request: ResidentRequest,
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
    frm = resident_request.status
    if to not in TRANSITIONS.get(frm, set()):
        raise ValidationError(_("A request that is “%(status)s” cannot be moved to “%(to)s”.") % {"status": Status(frm).label, "to": Status(to).label})
    now = timezone.now()
    new_stage = STAGE_OF.get(to, "")
    if restart_stage and new_stage:
        resident_request.stage = new_stage
        due = stage_deadline(resident_request, new_stage, now)
        fields.update(stage=new_stage, stage_started_at=now, stage_deadline=due, remind_at=reminder_time(now, due), reminded_at=None, supervised_at=None)
        if new_stage == Stage.HANDLE:
            fields["handle_deadline"] = due
    elif not new_stage:
        fields.update(stage="", stage_deadline=None, remind_at=None, reminded_at=None, supervised_at=None)
    claim = ResidentRequest.objects.filter(pk=resident_request.pk, status=frm)
    if extra_filter is not None:
        claim = claim.filter(extra_filter)
    # The conditional UPDATE is the lock: of two concurrent moves from the same status only one matches.
    if claim.update(status=to, updated_at=now, **fields) != 1:
        raise Conflict(_("Someone else has just changed this request; reload the page to see what it is now."))
    TimelineEntry.objects.create(
        request=resident_request,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=frm,
        to_status=to,
        level=fields.get("level", resident_request.level),
        note=note,
        public=public,
    )
    handler_before = resident_request.handler_id
    resident_request.refresh_from_db()
    # The people this move concerns see their 我的诉求 badge at once; everyone else's is at most half a minute old.
    people = {getattr(actor, "pk", None), handler_before, resident_request.handler_id} - {None}
    transaction.on_commit(lambda: badge_forget(*(waiting_key(pk) for pk in people)))
    return resident_request


def _unchanged(resident_request: ResidentRequest, **fields) -> TimelineEntry:
    status, level = resident_request.status, resident_request.level
    return TimelineEntry(request=resident_request, from_status=status, to_status=status, level=level, **fields)


def timeline_record(resident_request: ResidentRequest, *, action: str, actor=None, note: str = "", public: bool = False) -> None:
    """The timeline row of a step that leaves the status as it is: a progress note, an extension, a reminder."""
    _unchanged(resident_request, actor=actor, action=action, note=note, public=public).save()


def timelines_record(resident_requests: list[ResidentRequest], *, action: str, note=None) -> None:
    """The sweep's rows for a whole batch in one insert; `note` gives each request's note."""
    TimelineEntry.objects.bulk_create([_unchanged(rr, action=action, note=note(rr) if note else "") for rr in resident_requests])
