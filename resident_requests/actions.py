"""The actions of the request page and of the API: which a user may take now, and carrying one out."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import ResidentUnit, User
from governance.roles import Capability
from governance.scope import scope_for
from resident_requests import selectors, services
from resident_requests.models import HandlingLevel, ResidentRequest, Status

S = Status


def available_actions(req: ResidentRequest, user) -> list[str]:
    """The actions this user may take now, in the order the page shows them."""
    dispatcher = scope_for(user, Capability.DISPATCH_REQUESTS).contains(req.ancestry())
    handler_role = scope_for(user, Capability.HANDLE_REQUESTS).contains(req.ancestry())
    # A resident unit has no account: the cadres who dispatched to it record its steps.
    is_handler = req.handler_id == user.pk or (req.handler_id is None and req.handler_unit_id is not None and dispatcher)
    actions = []
    if req.status == S.SUBMITTED and dispatcher:
        actions += ["accept", "refuse", "merge"]
    if req.status in (S.ACCEPTED, S.LONG_TERM) and dispatcher:
        actions += ["dispatch"]
    if req.status == S.ACCEPTED and dispatcher and req.level in (HandlingLevel.STREET, HandlingLevel.ALLIANCE):
        actions += ["alliance"]
    if req.status == S.ACCEPTED and dispatcher:
        actions += ["long_term"]
    # A volunteer handling a request takes and handles it; returning and escalating stay with the staff.
    staff = handler_role or dispatcher
    if req.status == S.DISPATCHED and (is_handler or (req.handler_id is None and req.handler_unit_id is None and handler_role)):
        actions += ["take", "return"] if staff else ["take"]
    if req.status in (S.TAKEN, S.IN_PROGRESS) and is_handler:
        actions += ["progress", "handle", "extension_ask"] + (["return"] if staff else [])
    if req.status in (S.ACCEPTED, S.DISPATCHED, S.TAKEN, S.IN_PROGRESS) and staff and (is_handler or dispatcher) and services.next_level(req.level):
        actions += ["escalate"]
    if req.extension_requested_days and dispatcher and not is_handler:
        actions += ["extension_decide"]
    if req.status == S.HANDLED and dispatcher and not is_handler:
        actions += ["verify"]
    if req.status == S.VERIFIED and dispatcher:
        actions += ["answer"]
    if req.status == S.ANSWERED and dispatcher:
        actions += ["follow_up"]
    if req.status in services.OPEN and req.status != S.LONG_TERM and dispatcher:
        actions += ["withdraw"]
    return list(dict.fromkeys(actions))


ACTION_LABELS = {
    "accept": gettext_lazy("Accept (受理)"),
    "refuse": gettext_lazy("Not accept, with the reason"),
    "merge": gettext_lazy("Merge into a duplicate"),
    "dispatch": gettext_lazy("Dispatch (派单)"),
    "alliance": gettext_lazy("Put to the red-alliance meeting"),
    "long_term": gettext_lazy("Explain and keep open long-term (挂账)"),
    "take": gettext_lazy("Take (接单)"),
    "return": gettext_lazy("Return as misrouted (回退)"),
    "progress": gettext_lazy("Add progress"),
    "handle": gettext_lazy("Handled (处置完毕)"),
    "extension_ask": gettext_lazy("Ask for an extension (延期)"),
    "escalate": gettext_lazy("Escalate to the next level"),
    "extension_decide": gettext_lazy("Decide on the extension"),
    "verify": gettext_lazy("Verify (核查)"),
    "answer": gettext_lazy("Answer the resident (答复)"),
    "follow_up": gettext_lazy("Follow-up (回访)"),
    "withdraw": gettext_lazy("Withdrawn by the resident"),
}


class FormData:
    """get/getlist over a plain dict (JSON from the API), like a QueryDict from a form."""

    def __init__(self, data: dict):
        self.data = data

    def get(self, key: str, default=""):
        value = self.data.get(key, default)
        text = default if value is None else str(value) if not isinstance(value, list) else default
        # PostgreSQL cannot compare or store NUL; forms refuse it in the middleware, JSON values here.
        if "\x00" in text:
            raise ValidationError({key: _("The text sent contains a NUL control character; please type it again.")})
        return text

    def getlist(self, key: str) -> list:
        value = self.data.get(key, [])
        return value if isinstance(value, list) else [value]


# Notes that are for the resident by nature (a refusal's reason, the answer, a long-term explanation); every
# other staff note stays internal unless the writer ticks "居民可见" (`public`).
PUBLIC_BY_NATURE = {"refuse", "answer", "long_term"}
# Notes addressed to colleagues only (the level above, the dispatcher): never offered to the resident.
INTERNAL_ONLY = {"return", "escalate", "extension_ask", "extension_decide"}


def _posted_id(data, key: str) -> int | None:
    """None when the field is empty; otherwise the id, where anything but ASCII digits is 0 and, like an unknown id, matches no row."""
    value = data.get(key, "").strip()
    if value == "":
        return None
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else 0


def _posted_ids(data, key: str) -> list[int]:
    return [int(value) for value in map(str, data.getlist(key)) if re.fullmatch(r"[0-9]{1,18}", value)]


def _flag(data, key: str) -> bool:
    """A ticked checkbox ("1", "on") or a JSON true."""
    return data.get(key, "").strip().lower() in {"1", "on", "true", "yes"}


def perform(req: ResidentRequest, *, actor, action: str, data, photos=()) -> ResidentRequest:
    """Carry out one action with its fields; raises ValidationError with the user's message."""
    if action not in available_actions(req, actor):
        raise ValidationError(_("This action is not available on this request now."))
    note = data.get("note", "").strip()
    public = _flag(data, "public")
    if action == "accept":
        services.request_accept(request=req, actor=actor, note=note, public=public)
    elif action == "refuse":
        services.request_refuse(request=req, actor=actor, reason=note)
    elif action == "merge":
        into = selectors.request_list_for(actor).filter(public_id=data.get("into", "").strip().upper()).first()
        if into is None:
            raise ValidationError(_("No request with this number in your area."))
        services.request_merge(request=req, into=into, actor=actor)
    elif action == "dispatch":
        handler_id, unit_id = _posted_id(data, "handler"), _posted_id(data, "unit")
        handler = User.objects.filter(pk=handler_id).first() if handler_id is not None else None
        if handler_id is not None and handler is None:
            # The service's answer for a person outside the area, so that the answer never tells whether an account exists.
            raise ValidationError({"handler": _("This person cannot handle requests in this area.")})
        unit = req.grid.community.resident_units.filter(pk=unit_id).first() if unit_id is not None else None
        if unit_id is not None and unit is None:
            raise ValidationError({"handler_unit": _("The resident unit must be in the request's community.")})
        services.request_dispatch(request=req, actor=actor, handler=handler, handler_unit=unit, note=note, public=public)
    elif action == "alliance":
        street_units = ResidentUnit.objects.filter(community__street_id=req.grid.street_id)
        unit = street_units.filter(pk=_posted_id(data, "unit") or 0).first()
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit that takes charge.")})
        try:
            held_on = dt.date.fromisoformat(data.get("held_on", ""))
        except ValueError as exc:
            raise ValidationError({"held_on": _("Enter the meeting date.")}) from exc
        services.alliance_meeting_assign(
            request=req,
            actor=actor,
            held_on=held_on,
            units=list(street_units.filter(pk__in=_posted_ids(data, "units"))),
            attendees=data.get("attendees", ""),
            decisions=note,
            unit=unit,
            responsible_person=data.get("responsible_person", ""),
            public=public,
        )
    elif action == "long_term":
        services.request_long_term(request=req, actor=actor, explanation=note)
    elif action == "take":
        services.request_take(request=req, actor=actor)
    elif action == "return":
        services.request_return(request=req, actor=actor, reason=note)
    elif action == "progress":
        services.request_progress(request=req, actor=actor, note=note, public=public)
    elif action == "handle":
        services.request_handle(request=req, actor=actor, result_note=note, photos=photos, public=public)
    elif action == "extension_ask":
        days = data.get("days", "")
        services.request_extension_ask(request=req, actor=actor, days=int(days) if days.isdecimal() else 0, reason=note)
    elif action == "extension_decide":
        services.request_extension_decide(request=req, actor=actor, approve=data.get("approve") == "1", note=note)
    elif action == "escalate":
        services.request_escalate(request=req, actor=actor, reason=note, proposal=data.get("proposal", ""))
    elif action == "verify":
        services.request_verify(request=req, actor=actor, passed=data.get("passed") == "1", note=note, public=public)
    elif action == "answer":
        services.request_answer(request=req, actor=actor, answer_note=note)
    elif action == "follow_up":
        rating = data.get("rating", "")
        services.request_follow_up(
            request=req, actor=actor, rating=int(rating) if rating.isdecimal() else None, note=note, declined=data.get("declined") == "1", public=public
        )
    elif action == "withdraw":
        services.request_withdraw(request=req, actor=actor, note=note, public=public)
    req.refresh_from_db()
    return req
