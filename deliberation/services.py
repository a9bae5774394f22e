"""议事协商 writes: raise a topic, hold a meeting, vote or agree, decide, publish, follow through. Each checks the actor's
scope, writes an audit row, and moves the topic's status only through `_transition` (the table in lifecycle.py)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.personal_data import phone_fields
from deliberation.lifecycle import DECIDED, TRANSITIONS, Status
from deliberation.models import Meeting, Option, Participant, Task, Topic, TopicEvent
from deliberation.permissions import can_deliberate, can_reveal_contact
from governance.audit import audit_record
from governance.models import AuditEntry
from governance.services import personal_data_reveal_for_duty
from governance.validators import normalize_mobile
from party_building import lists
from resident_requests.models import ResidentRequest
from resident_requests.services.intake import request_submit

TEXT_MIN = 2
# How far ahead a meeting may be scheduled: a date years away is a typing error.
SCHEDULE_AHEAD_DAYS = 366


def _require(actor, ancestry: dict) -> None:
    if not can_deliberate(actor, ancestry):
        raise PermissionDenied(_("Only the community's organisers can do this."))


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if len(value) < TEXT_MIN:
        raise ValidationError({field: message})
    return value


def _transition(topic: Topic, *, to: str, actor, note: str = "", **fields) -> Topic:
    frm = topic.status
    if to not in TRANSITIONS.get(frm, set()):
        raise ValidationError(_("A topic that is “%(status)s” cannot be moved to “%(to)s”.") % {"status": Status(frm).label, "to": Status(to).label})
    # The conditional UPDATE is the lock: of two concurrent moves from the same status only one matches.
    if Topic.objects.filter(pk=topic.pk, status=frm).update(status=to, **fields) != 1:
        raise ValidationError(_("Someone else has just changed this topic; reload the page to see what it is now."))
    TopicEvent.objects.create(topic=topic, actor=actor, from_status=frm, to_status=to, note=note)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=topic, changes={"status": [frm, to]})
    topic.refresh_from_db()
    return topic


@transaction.atomic
def topic_raise(*, actor, community, title: str, description: str, source: str, request=None, visit=None, unit=None) -> Topic:
    """A topic of the community, raised by one of its requests, a need found on a visit there, one of its resident units or a cadre."""
    _require(actor, community.ancestry())
    origins = {Topic.Source.REQUEST: request, Topic.Source.VISIT: visit, Topic.Source.UNIT: unit}
    if source not in Topic.Source.values:
        raise ValidationError({"source": _("Say who raised the topic.")})
    if source != Topic.Source.CADRE and origins[source] is None:
        raise ValidationError({source: _("Choose the request, visit or resident unit the topic comes from.")})
    # Only the origin the source names is kept, so a topic never points at two.
    request, visit, unit = (origins[key] if key == source else None for key in (Topic.Source.REQUEST, Topic.Source.VISIT, Topic.Source.UNIT))
    origin = request or visit or unit
    if origin is not None and origin.ancestry().get("community") != community.pk:
        raise ValidationError({source: _("The topic's origin must be in the same community.")})
    topic = Topic.objects.create(
        community=community,
        title=_text(title, "title", _("Give the topic a title.")),
        description=_text(description, "description", _("Describe the topic.")),
        source=source,
        request=request,
        visit=visit,
        unit=unit,
        raised_by=actor,
    )
    TopicEvent.objects.create(topic=topic, actor=actor, to_status=Status.PROPOSED)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=topic, changes={"title": [None, topic.title]})
    return topic


@transaction.atomic
def meeting_create(*, actor, community, kind: str, held_on: dt.date, place: str, summary: str = "", topics=()) -> Meeting:
    """Schedule (a date to come) or record (a date past) a meeting; the topics put to it become scheduled."""
    _require(actor, community.ancestry())
    if kind not in Meeting.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of meeting.")})
    if held_on > timezone.localdate() + dt.timedelta(days=SCHEDULE_AHEAD_DAYS):
        raise ValidationError({"held_on": _("Schedule a meeting within a year.")})
    meeting = Meeting.objects.create(
        community=community,
        kind=kind,
        held_on=held_on,
        place=_text(place, "place", _("Say where the meeting is held.")),
        summary=summary.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=meeting, changes={"kind": [None, kind], "held_on": [None, held_on.isoformat()]})
    for topic in topics:
        topic_schedule(actor=actor, topic=topic, meeting=meeting)
    return meeting


@transaction.atomic
def topic_schedule(*, actor, topic: Topic, meeting: Meeting) -> Topic:
    """Put a topic on a meeting of its community."""
    _require(actor, topic.ancestry())
    if meeting.community_id != topic.community_id:
        raise ValidationError({"topics": _("Put only the community's own topics on its meeting.")})
    return _transition(topic, to=Status.SCHEDULED, actor=actor, note=str(meeting), meeting=meeting)


@transaction.atomic
def participant_add(*, actor, meeting: Meeting, kind: str, names: str, count: int, phone: str = "") -> Participant:
    """Who took part, by kind; a contact's personal phone is stored encrypted, shown masked."""
    _require(actor, meeting.ancestry())
    if kind not in Participant.Kind.values:
        raise ValidationError({"kind": _("Choose who took part.")})
    if not 1 <= count <= 1000:
        raise ValidationError({"count": _("Give the number of people, from 1 to 1000.")})
    try:
        number = normalize_mobile(phone) if phone and phone.strip() else ""
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    participant = Participant.objects.create(
        meeting=meeting, kind=kind, names=_text(names, "names", _("Name the people, or their group.")), count=count, **(phone_fields(number) if number else {})
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=participant, changes={"kind": [None, kind], "count": [None, count]})
    return participant


def participant_phone_reveal(*, actor, participant: Participant, purpose: str, reason: str = "") -> dict[str, str]:
    """The participants' full contact phone, through the one reveal service: a purpose, the daily limit, the log at the
    meeting's community and the district's alert."""
    if not can_reveal_contact(actor, participant.ancestry()):
        raise PermissionDenied(_("Your role does not allow revealing personal data."))
    if not participant.phone_enc:
        raise ValidationError(_("No contact phone was recorded for these participants."))
    return personal_data_reveal_for_duty(actor=actor, instance=participant, purpose=purpose, reason=reason)


def _require_open_for_options(topic: Topic) -> None:
    if topic.status not in (Status.PROPOSED, Status.SCHEDULED):
        raise ValidationError(_("Options can change only before the topic is decided."))


@transaction.atomic
def option_add(*, actor, topic: Topic, text: str) -> Option:
    _require(actor, topic.ancestry())
    _require_open_for_options(topic)
    option = Option.objects.create(topic=topic, text=_text(text, "text", _("Write the option.")))
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=option, changes={"text": [None, option.text]})
    return option


def _require_meeting_held(topic: Topic) -> None:
    if topic.status != Status.SCHEDULED or topic.meeting is None:
        raise ValidationError(_("Put the topic on a meeting first."))
    if topic.meeting.held_on > timezone.localdate():
        raise ValidationError(_("The meeting has not been held yet."))


@transaction.atomic
def option_vote(*, actor, option: Option, votes_for: int, votes_against: int, votes_abstain: int) -> Option:
    """Record the meeting's vote on one option (for, against, abstain)."""
    topic = option.topic
    _require(actor, topic.ancestry())
    _require_meeting_held(topic)
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise ValidationError(_("Votes cannot be negative."))
    after = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    changes = {name: [getattr(option, name), value] for name, value in after.items()}
    Option.objects.filter(pk=option.pk).update(**after)
    option.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=option, changes=changes)
    return option


def tally(options) -> Option:
    """The adopted option: the most votes for, more for than against, and no tie at the top; otherwise the vote decides nothing."""
    voted = [option for option in options if option.votes_for + option.votes_against + option.votes_abstain]
    if not voted:
        raise ValidationError(_("Record the votes on the options first."))
    best = max(voted, key=lambda option: option.votes_for)
    if sum(option.votes_for == best.votes_for for option in voted) > 1:
        raise ValidationError(_("Two options have the same votes for: vote again or record a consensus."))
    if best.votes_for <= best.votes_against:
        raise ValidationError(_("No option has more votes for than against: nothing was adopted."))
    return best


@transaction.atomic
def topic_decide(*, actor, topic: Topic, outcome: str, consensus: str = "", decision: str = "") -> Topic:
    """The meeting's outcome: a recorded vote (the tally adopts an option) or a consensus; the decision defaults to either."""
    _require(actor, topic.ancestry())
    _require_meeting_held(topic)
    if outcome == Topic.Outcome.VOTE:
        adopted = tally(list(topic.options.all()))
        Option.objects.filter(pk=adopted.pk).update(adopted=True)
        decision = decision.strip() or adopted.text
        consensus = ""
    elif outcome == Topic.Outcome.CONSENSUS:
        consensus = _text(consensus, "consensus", _("Write the consensus reached."))
        decision = decision.strip() or consensus
    else:
        raise ValidationError({"outcome": _("Choose a vote or a consensus.")})
    return _transition(topic, to=Status.DECIDED, actor=actor, note=decision, outcome=outcome, consensus=consensus, decision=decision, decided_at=timezone.now())


@transaction.atomic
def topic_publish(*, actor, topic: Topic) -> Topic:
    """Publish the decision on the community's public page; publishing twice changes nothing."""
    _require(actor, topic.ancestry())
    if topic.status not in DECIDED:
        raise ValidationError(_("Only a decided topic can be published."))
    now = timezone.now()
    if Topic.objects.filter(pk=topic.pk, published_at__isnull=True).update(published_at=now):
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=topic, changes={"published_at": [None, now.isoformat()]})
    topic.refresh_from_db()
    return topic


@transaction.atomic
def topic_drop(*, actor, topic: Topic, reason: str) -> Topic:
    _require(actor, topic.ancestry())
    reason = _text(reason, "reason", _("Say why the topic is dropped."))
    return _transition(topic, to=Status.DROPPED, actor=actor, note=reason, drop_reason=reason)


@transaction.atomic
def topic_close(*, actor, topic: Topic, note: str = "") -> Topic:
    """A decision that needs no follow-through is done once decided."""
    _require(actor, topic.ancestry())
    if topic.tasks.filter(status=Task.Status.OPEN).exists():
        raise ValidationError(_("Finish the open tasks first."))
    return _transition(topic, to=Status.DONE, actor=actor, note=note.strip())


@transaction.atomic
def task_add(*, actor, topic: Topic, title: str, responsible: str, due_on: dt.date, category=None, resource=None) -> Task:
    """A follow-through task of the decision; given a category it becomes a request of the community, given a resource a project of the three lists."""
    _require(actor, topic.ancestry())
    if topic.status not in (Status.DECIDED, Status.FOLLOWING):
        raise ValidationError(_("Tasks follow a decision: decide the topic first."))
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    if category is not None and resource is not None:
        raise ValidationError(_("A task becomes a request or a project, not both."))
    title = _text(title, "title", _("Say what is to be done."))
    responsible = _text(responsible, "responsible", _("Name the person responsible."))
    task = Task(topic=topic, title=title, responsible=responsible, due_on=due_on)
    if category is not None:
        grid = topic.community.grids.order_by("sequence").first()
        if grid is None:
            raise ValidationError(_("The community has no grid yet."))
        task.request = request_submit(actor=actor, source=ResidentRequest.Source.HOTLINE, category=category, description=f"{topic.title}: {title}", grid=grid)
    if resource is not None:
        demand = lists.demand_add(actor=actor, community=topic.community, category=resource.category, description=f"{topic.title}: {title}"[:200])
        task.project = lists.project_create(actor=actor, demand=demand, resource=resource, owner=responsible, plan=title)
    task.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=task, changes={"title": [None, title], "due_on": [None, due_on.isoformat()]})
    if topic.status == Status.DECIDED:
        _transition(topic, to=Status.FOLLOWING, actor=actor, note=title)
    return task


@transaction.atomic
def task_done(*, actor, task: Task, result: str) -> Task:
    """The task is done; the topic is done with its last task."""
    topic = task.topic
    _require(actor, topic.ancestry())
    result = _text(result, "result", _("Say what was done."))
    if Task.objects.filter(pk=task.pk, status=Task.Status.OPEN).update(status=Task.Status.DONE, result=result, done_on=timezone.localdate()) != 1:
        raise ValidationError(_("This task is already done."))
    task.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=task, changes={"status": [Task.Status.OPEN, Task.Status.DONE]})
    if topic.status == Status.FOLLOWING and not topic.tasks.filter(status=Task.Status.OPEN).exists():
        _transition(topic, to=Status.DONE, actor=actor, note=_("All follow-through tasks are done."))
    return task
