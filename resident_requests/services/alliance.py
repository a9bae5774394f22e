"""The red-alliance meeting (红色联盟会议): at street level, the street and its resident units decide who takes a request."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import ResidentUnit
from governance.roles import Capability
from resident_requests.lifecycle import HandlingLevel, Status, TimelineAction
from resident_requests.models import AllianceMeeting, ResidentRequest
from resident_requests.services.transition import require, transition


@transaction.atomic
def alliance_meeting_assign(
    *,
    resident_request: ResidentRequest,
    actor,
    held_on: dt.date,
    units,
    attendees: str,
    decisions: str,
    unit,
    responsible_person: str,
    public: bool = False,
) -> ResidentRequest:
    """At street level, the red-alliance meeting names the resident unit and the person responsible (分包责任人)."""
    require(actor, Capability.DISPATCH_REQUESTS, resident_request)
    street = resident_request.grid.street
    if resident_request.level not in (HandlingLevel.STREET, HandlingLevel.ALLIANCE):
        raise ValidationError(_("Only a request at the street can go to the red-alliance meeting."))
    # One query for all the units, however many the meeting names.
    if ResidentUnit.objects.filter(pk__in=[unit.pk, *(u.pk for u in units)]).exclude(community__street_id=street.pk).exists():
        raise ValidationError({"unit": _("The units must belong to this street.")})
    if not responsible_person.strip() or len(decisions.strip()) < 2:
        raise ValidationError(_("Record the decision and the person responsible."))
    meeting, _created = AllianceMeeting.objects.get_or_create(
        street=street, held_on=held_on, defaults={"attendees": attendees, "decisions": decisions, "created_by": actor}
    )
    meeting.units.add(*units, unit)
    if resident_request.level == HandlingLevel.STREET:
        resident_request = transition(
            resident_request, to=Status.ACCEPTED, actor=actor, action=TimelineAction.TO_ALLIANCE, note=decisions, level=HandlingLevel.ALLIANCE
        )
    return transition(
        resident_request,
        to=Status.DISPATCHED,
        actor=actor,
        action=TimelineAction.ALLIANCE_DISPATCH,
        note=f"{unit.name} · {responsible_person}: {decisions}",
        public=public,
        handler=None,
        handler_unit=unit,
        responsible_person=responsible_person.strip()[:50],
        meeting=meeting,
        dispatched_at=timezone.now(),
    )
