"""包联: leaders' duties toward their communities, the records that fulfil them, and who is behind."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import month_start, quarter_start, week_start
from governance.audit import audit_record
from governance.models import AuditEntry, Community, Membership
from governance.roles import Role
from notifications.models import Notification
from notifications.services import notification_send
from party_building.models import LinkageDuty, LinkageRecord
from party_building.permissions import can_record_joint_meeting
from resident_requests.models import ResidentRequest
from resident_requests.services.intake import request_submit


@transaction.atomic
def linkage_record(
    *, actor, community: Community, kind: str, held_on: dt.date, people: str, topics: str, problems: str = "", duty: LinkageDuty | None = None, units=()
) -> LinkageRecord:
    """A leader records their own visit or contact; a community's cadre records the joint meeting."""
    if kind not in LinkageRecord.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of contact this was.")})
    if kind == LinkageRecord.Kind.JOINT_MEETING:
        if not can_record_joint_meeting(actor, community.ancestry()):
            raise PermissionDenied(_("The community's cadres record its joint meetings."))
    elif duty is None or duty.user_id != actor.pk or duty.community_id != community.pk:
        raise PermissionDenied(_("Record visits and contacts for your own linkage duties."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if len(topics.strip()) < 2 or not people.strip():
        raise ValidationError(_("Say who took part and what was discussed."))
    record = LinkageRecord.objects.create(
        community=community,
        duty=duty,
        kind=kind,
        held_on=held_on,
        people=people.strip()[:200],
        topics=topics.strip(),
        problems=problems.strip(),
        recorded_by=actor,
    )
    if units:
        record.units.set(units)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=record, changes={"kind": [None, kind], "held_on": [None, held_on.isoformat()]})
    return record


def linkage_problem_to_request(*, actor, record: LinkageRecord, problem: str, category):
    """A problem raised at a visit or meeting becomes a request of the community, in one step."""
    if problem.strip() not in [line.strip() for line in record.problems.splitlines()]:
        raise ValidationError(_("Choose one of the problems recorded."))
    grid = record.community.grids.order_by("sequence").first()
    if grid is None:
        raise ValidationError(_("The community has no grid yet."))
    return request_submit(
        actor=actor,
        source=ResidentRequest.Source.HOTLINE,
        category=category,
        description=f"{record.get_kind_display()} {record.held_on}: {problem.strip()}",
        grid=grid,
    )


def compliance(duties, communities, *, today: dt.date | None = None) -> dict:
    """Who is behind this quarter, week or month, in three aggregate queries."""
    today = today or timezone.localdate()
    this_week = week_start(today)
    last = {
        row["pk"]: row
        for row in duties.annotate(
            last_visit=Max("records__held_on", filter=Q(records__kind=LinkageRecord.Kind.VISIT)),
            last_contact=Max("records__held_on", filter=Q(records__kind__in=[LinkageRecord.Kind.CONTACT, LinkageRecord.Kind.VISIT])),
        ).values("pk", "last_visit", "last_contact")
    }
    behind = []
    for duty in duties.select_related("user", "community"):
        row = last[duty.pk]
        if duty.kind == LinkageDuty.Kind.DISTRICT_LEADER and not (row["last_visit"] and row["last_visit"] >= quarter_start(today)):
            behind.append((duty, _("no visit this quarter")))
        elif duty.kind == LinkageDuty.Kind.STREET_LEADER and not (row["last_contact"] and row["last_contact"] >= this_week):
            behind.append((duty, _("no contact this week")))
        elif duty.kind == LinkageDuty.Kind.STREET_LEADER and not (row["last_visit"] and row["last_visit"] >= today - dt.timedelta(days=14)):
            behind.append((duty, _("no visit in the last two weeks")))
    met = set(
        LinkageRecord.objects.filter(community__in=communities, kind=LinkageRecord.Kind.JOINT_MEETING, held_on__gte=month_start(today)).values_list(
            "community_id", flat=True
        )
    )
    no_meeting = [community for community in communities if community.pk not in met]
    return {"behind": behind, "no_meeting": no_meeting, "duties": len(last)}


def linkage_remind(*, today: dt.date | None = None) -> int:
    """Weekly: every leader behind on a duty, and every community without this month's meeting, is reminded once a week."""
    today = today or timezone.localdate()
    week = today.isocalendar()
    state = compliance(LinkageDuty.objects.all(), list(Community.objects.all()), today=today)
    notifications = [
        Notification(
            user=duty.user,
            key=f"linkage:{duty.pk}:{week.year}-{week.week}",
            title=_("Linkage duty behind: %(community)s, %(what)s") % {"community": duty.community.name, "what": what},
            url=reverse("linkage"),
        )
        for duty, what in state["behind"]
    ]
    secretaries = Membership.objects.filter(community__in=state["no_meeting"], role=Role.COMMUNITY_SECRETARY).select_related("user", "community")
    notifications += [
        Notification(
            user=m.user, key=f"joint-meeting:{m.community_id}:{today:%Y-%m}", title=_("No party-building joint meeting yet this month"), url=reverse("linkage")
        )
        for m in secretaries
    ]
    return len(notification_send(notifications=notifications))
