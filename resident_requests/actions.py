"""The actions on a request, for its page and the API alike: which a user may take now, what each takes, and carrying one out.

Each action has one input serializer; the page posts its form fields to it and the API its JSON or multipart body, so
both validate alike and the OpenAPI schema lists exactly what each action takes. The services check the rules.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from governance.models import ResidentUnit, User
from governance.roles import Capability
from governance.scope import scope_for
from resident_requests import selectors
from resident_requests.lifecycle import HANDLING, OPEN, HandlingLevel, RequestAction, Status, next_level
from resident_requests.models import ResidentRequest
from resident_requests.permissions import can_decide_extension
from resident_requests.services.alliance import alliance_meeting_assign
from resident_requests.services.escalation import request_escalate
from resident_requests.services.workflow import (
    request_accept,
    request_answer,
    request_dispatch,
    request_extension_ask,
    request_extension_decide,
    request_follow_up,
    request_handle,
    request_long_term,
    request_merge,
    request_progress,
    request_refuse,
    request_return,
    request_take,
    request_verify,
    request_withdraw,
)


def available_actions(req: ResidentRequest, user) -> list[str]:
    """The actions this user may take now, in the order the page shows them."""
    dispatcher = scope_for(user, Capability.DISPATCH_REQUESTS).contains(req.ancestry())
    handler_role = scope_for(user, Capability.HANDLE_REQUESTS).contains(req.ancestry())
    # A resident unit has no account: the cadres who dispatched to it record its steps.
    is_handler = req.handler_id == user.pk or (req.handler_id is None and req.handler_unit_id is not None and dispatcher)
    actions = []
    if req.status == Status.SUBMITTED and dispatcher:
        actions += [RequestAction.ACCEPT, RequestAction.REFUSE, RequestAction.MERGE]
    if req.status in (Status.ACCEPTED, Status.LONG_TERM) and dispatcher:
        actions += [RequestAction.DISPATCH]
    if req.status == Status.ACCEPTED and dispatcher and req.level in (HandlingLevel.STREET, HandlingLevel.ALLIANCE):
        actions += [RequestAction.ALLIANCE]
    if req.status == Status.ACCEPTED and dispatcher:
        actions += [RequestAction.LONG_TERM]
    # A volunteer handling a request takes and handles it; returning and escalating stay with the staff.
    staff = handler_role or dispatcher
    if req.status == Status.DISPATCHED and (is_handler or (req.handler_id is None and req.handler_unit_id is None and handler_role)):
        actions += [RequestAction.TAKE, RequestAction.RETURN] if staff else [RequestAction.TAKE]
    if req.status in (Status.TAKEN, Status.IN_PROGRESS) and is_handler:
        actions += [RequestAction.PROGRESS, RequestAction.HANDLE, RequestAction.EXTENSION_ASK] + ([RequestAction.RETURN] if staff else [])
    if req.status in HANDLING and staff and (is_handler or dispatcher) and next_level(req.level):
        actions += [RequestAction.ESCALATE]
    if req.extension_requested_days and dispatcher and not is_handler and can_decide_extension(req, user):
        actions += [RequestAction.EXTENSION_DECIDE]
    if req.status == Status.HANDLED and dispatcher and not is_handler:
        actions += [RequestAction.VERIFY]
    if req.status == Status.VERIFIED and dispatcher:
        actions += [RequestAction.ANSWER]
    if req.status == Status.ANSWERED and dispatcher:
        actions += [RequestAction.FOLLOW_UP]
    if req.status in OPEN and req.status != Status.LONG_TERM and dispatcher:
        actions += [RequestAction.WITHDRAW]
    return list(dict.fromkeys(actions))


# Notes that are for the resident by nature (a refusal's reason, the answer, a long-term explanation); every
# other staff note stays internal unless the action takes `public` (居民可见) and the writer ticks it.
PUBLIC_BY_NATURE = {RequestAction.REFUSE, RequestAction.ANSWER, RequestAction.LONG_TERM}


def note_field(service_argument: str = "note", help_text: str = "A note for colleagues, internal unless `public`.") -> serializers.CharField:
    """The action's text, named `note` on the page and in the API whatever the service calls it; the service checks its length."""
    # DRF refuses a source equal to the field's own name.
    source = {"source": service_argument} if service_argument != "note" else {}
    return serializers.CharField(required=False, allow_blank=True, default="", help_text=help_text, **source)


def public_field() -> serializers.BooleanField:
    return serializers.BooleanField(required=False, default=False, help_text="Show the note on the resident's status page (居民可见).")


class ActionInput(serializers.Serializer):
    """An action's input; the context holds the request acted on (`resident_request`) and the acting user (`actor`)."""

    @property
    def resident_request(self) -> ResidentRequest | None:
        return self.context.get("resident_request")


class AcceptInput(ActionInput):
    """Accept (受理) a submitted request: it goes to the handling stage."""

    note = note_field()
    public = public_field()


class RefuseInput(ActionInput):
    """Do not accept, with the reason the resident reads; the request ends."""

    note = note_field("reason", "The reason, shown to the resident (at least 2 characters).")


class MergeInput(ActionInput):
    """Merge a submitted request into another open one about the same problem; it ends as a duplicate."""

    into = serializers.CharField(help_text="The number (`public_id`) of the open request to keep, in the caller's area.")

    def validate_into(self, value: str) -> ResidentRequest:
        into = selectors.request_list_for(self.context["actor"]).filter(public_id=value.strip().upper()).first()
        if into is None:
            raise serializers.ValidationError(_("No request with this number in your area."))
        return into


class DispatchInput(ActionInput):
    """Dispatch (派单) to a person who handles requests here or a volunteer, to a resident unit, or to the grid's workers (neither)."""

    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The user to dispatch to; empty for the grid's workers (the first to take it).",
        error_messages={"does_not_exist": _("This person cannot handle requests in this area.")},
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=ResidentUnit.objects.none(),
        source="handler_unit",
        required=False,
        allow_null=True,
        default=None,
        help_text="Or a resident unit of the request's community.",
        error_messages={"does_not_exist": _("The resident unit must be in the request's community.")},
    )
    note = note_field()
    public = public_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.resident_request is not None:
            self.fields["unit"].queryset = self.resident_request.grid.community.resident_units.all()


class AllianceInput(ActionInput):
    """Put a request at the street to the red-alliance meeting, which names the unit in charge and the person responsible."""

    held_on = serializers.DateField(
        help_text="The meeting date.", error_messages={"required": _("Enter the meeting date."), "invalid": _("Enter the meeting date.")}
    )
    units = serializers.PrimaryKeyRelatedField(
        queryset=ResidentUnit.objects.none(), many=True, required=False, default=list, help_text="The street's resident units present."
    )
    attendees = serializers.CharField(required=False, allow_blank=True, default="", help_text="The people present.")
    unit = serializers.PrimaryKeyRelatedField(
        queryset=ResidentUnit.objects.none(),
        help_text="The street's resident unit in charge.",
        error_messages={key: _("Choose the unit that takes charge.") for key in ("required", "null", "does_not_exist", "incorrect_type")},
    )
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="", help_text="The person responsible (分包责任人).")
    note = note_field("decisions", "The meeting's decision (at least 2 characters).")
    public = public_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.resident_request is not None:
            street_units = ResidentUnit.objects.filter(community__street_id=self.resident_request.grid.street_id)
            self.fields["units"].child_relation.queryset = street_units
            self.fields["unit"].queryset = street_units


class LongTermInput(ActionInput):
    """Explain to the resident and keep the request open long-term (挂账); reviewed monthly, never escalated by the sweep."""

    note = note_field("explanation", "The explanation, shown to the resident (at least 10 characters).")


class TakeInput(ActionInput):
    """Take (接单) a dispatched request: the named handler, or the first handler of the area when dispatched to the grid."""


class ReturnInput(ActionInput):
    """Return (回退) a request as misrouted, within 2 working days of its dispatch."""

    note = note_field("reason", "Why it is misrouted, for the dispatcher (at least 2 characters).")


class ProgressInput(ActionInput):
    """Record progress; the first note starts the handling (办理中)."""

    note = note_field()
    public = public_field()


class HandleInput(ActionInput):
    """Handled (处置完毕): what was done, with photos of the result; the request goes to the check."""

    note = note_field("result_note", "What was done (at least 2 characters).")
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Photos of the result (multipart), up to 9 photos a request in all."
    )
    public = public_field()


class ExtensionAskInput(ActionInput):
    """Ask the level above for more working days (延期), within the category's longest extension."""

    days = serializers.IntegerField(help_text="Working days asked for.")
    note = note_field("reason", "Why, for the level above.")


class ExtensionDecideInput(ActionInput):
    """Approve or refuse the extension asked for; decided by the level above the handling."""

    approve = serializers.BooleanField(help_text="true approves, false refuses.")
    note = note_field()


class EscalateInput(ActionInput):
    """Escalate to the next rung of the ladder with a fresh handling limit."""

    note = note_field("reason", "Why it cannot be solved at this level (at least 2 characters).")
    proposal = serializers.CharField(required=False, allow_blank=True, default="", help_text="A proposed solution for the level above.")


class VerifyInput(ActionInput):
    """Verify (核查) the handling, by someone other than the handler; not passed sends it back as rework (返工)."""

    passed = serializers.BooleanField(help_text="true passed; false back to the handler, with the note saying what is still wrong.")
    note = note_field()
    public = public_field()


class AnswerInput(ActionInput):
    """Answer (答复) the resident; the request goes to the follow-up."""

    note = note_field("answer_note", "What the resident is told (at least 2 characters).")


class FollowUpInput(ActionInput):
    """Follow-up (回访): a satisfied rating or a declined follow-up closes, an unsatisfied rating reopens it (重办)."""

    rating = serializers.ChoiceField(
        choices=ResidentRequest.Rating.choices, required=False, allow_null=True, default=None, help_text="5 very satisfied … 1 very dissatisfied."
    )
    note = note_field()
    declined = serializers.BooleanField(required=False, default=False, help_text="The resident declined or could not be reached; no rating.")
    public = public_field()


class WithdrawInput(ActionInput):
    """Withdrawn at the resident's wish, recorded by a cadre; the request ends."""

    note = note_field()
    public = public_field()


@dataclass(frozen=True)
class ActionSpec:
    input: type[ActionInput]
    service: Callable[..., ResidentRequest]


ACTIONS: dict[str, ActionSpec] = {
    RequestAction.ACCEPT: ActionSpec(AcceptInput, request_accept),
    RequestAction.REFUSE: ActionSpec(RefuseInput, request_refuse),
    RequestAction.MERGE: ActionSpec(MergeInput, request_merge),
    RequestAction.DISPATCH: ActionSpec(DispatchInput, request_dispatch),
    RequestAction.ALLIANCE: ActionSpec(AllianceInput, alliance_meeting_assign),
    RequestAction.LONG_TERM: ActionSpec(LongTermInput, request_long_term),
    RequestAction.TAKE: ActionSpec(TakeInput, request_take),
    RequestAction.RETURN: ActionSpec(ReturnInput, request_return),
    RequestAction.PROGRESS: ActionSpec(ProgressInput, request_progress),
    RequestAction.HANDLE: ActionSpec(HandleInput, request_handle),
    RequestAction.EXTENSION_ASK: ActionSpec(ExtensionAskInput, request_extension_ask),
    RequestAction.ESCALATE: ActionSpec(EscalateInput, request_escalate),
    RequestAction.EXTENSION_DECIDE: ActionSpec(ExtensionDecideInput, request_extension_decide),
    RequestAction.VERIFY: ActionSpec(VerifyInput, request_verify),
    RequestAction.ANSWER: ActionSpec(AnswerInput, request_answer),
    RequestAction.FOLLOW_UP: ActionSpec(FollowUpInput, request_follow_up),
    RequestAction.WITHDRAW: ActionSpec(WithdrawInput, request_withdraw),
}


def _messages(errors) -> list[str]:
    """The messages of a serializer's errors, flattened (a list field's errors are keyed by position)."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in _messages(value)]
    if isinstance(errors, list):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def action_perform(resident_request: ResidentRequest, *, actor, action: str, data) -> ResidentRequest:
    """Validate one action's input and call its service; a ValidationError names the fields as the caller sent them."""
    spec = ACTIONS[action]
    form = spec.input(data=data, context={"resident_request": resident_request, "actor": actor})
    if not form.is_valid():
        raise ValidationError({field: _messages(errors) for field, errors in form.errors.items()})
    try:
        spec.service(resident_request=resident_request, actor=actor, **form.validated_data)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # A service names its own argument (`reason`, `handler_unit`); the caller sent the input field (`note`, `unit`).
        sent_as = {field.source: name for name, field in form.fields.items()}
        raise ValidationError({sent_as.get(field, field): messages for field, messages in exc.message_dict.items()}) from exc
    resident_request.refresh_from_db()
    return resident_request
