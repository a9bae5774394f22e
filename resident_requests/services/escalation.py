"""Up the ladder: a person escalates a request they cannot solve, and the sweep reminds at 80% and escalates at the deadline."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import rows_insert_select
from governance.roles import Capability
from notifications.services import notification_send
from resident_requests import calendar
from resident_requests.lifecycle import ESCALATING_STAGES, HANDLING, LADDER, OPEN, SUPERVISED_STAGES, HandlingLevel, Stage, Status, TimelineAction, next_level
from resident_requests.models import ResidentRequest, TimeLimit, TimelineEntry
from resident_requests.services.deadlines import CategoryKey, best_limit, reminder_time
from resident_requests.services.notices import (
    PLACES,
    notices_for,
    notify_escalations,
    notify_people,
    people_at_level,
    people_to_act_each,
    staff_at,
    supervisors_post,
)
from resident_requests.services.transition import require, timelines_record, transition


@transaction.atomic
def request_escalate(*, resident_request: ResidentRequest, actor=None, reason: str, proposal: str = "") -> ResidentRequest:
    """Up one rung of the ladder with a fresh handling limit; the lower level keeps read access (same grid)."""
    if actor is not None:
        require(actor, Capability.HANDLE_REQUESTS, resident_request)
        if len((reason or "").strip()) < 2:
            raise ValidationError({"reason": _("Say why it cannot be solved at this level (at least 2 characters).")})
    if resident_request.status not in HANDLING:
        raise ValidationError(_("Only a request being handled can be escalated."))
    target = next_level(resident_request.level)
    if target is None:
        raise ValidationError(_("The request is already at the district, the last rung."))
    note = reason + (f"\n{_('Proposed solution')}: {proposal}" if proposal else "")
    resident_request = transition(
        resident_request,
        to=Status.ACCEPTED,
        actor=actor,
        action=TimelineAction.ESCALATE,
        note=note,
        level=target,
        handler=None,
        handler_unit=None,
        escalation_count=F("escalation_count") + 1,
    )
    notify_people(
        people_at_level(resident_request, target),
        resident_request=resident_request,
        title=_("Request escalated to you: %(category)s") % {"category": resident_request.category.name},
        key=f"escalated-{target}",
    )
    return resident_request


# Requests claimed per statement: each batch locks its rows for under a second, and a city's 100,000 overdue take 50 batches.
SWEEP_BATCH = 2000


def requests_sweep(*, now: dt.datetime | None = None, batch_size: int = SWEEP_BATCH) -> dict:
    """催办 at 80% of every stage's time; at the deadline an unaccepted or unhandled request moves one level up and a
    late verification, answer or follow-up sends the level above a 督办 notice. Long-term and ended requests are skipped.

    Work is claimed with conditional UPDATEs, so concurrent or retried sweeps act on each missed deadline
    exactly once. Returns the counts and whether a full batch suggests more work is waiting.
    """
    now = now or timezone.now()
    escalated = 0
    full = False
    for stage, statuses in ESCALATING_STAGES.items():
        overdue = ResidentRequest.objects.filter(status__in=statuses, stage=stage, stage_deadline__lt=now).exclude(level=HandlingLevel.DISTRICT)
        picked = list(overdue.order_by("stage_deadline").values_list("pk", "level", "category_id", "category__parent_id", "urgency")[:batch_size])
        full = full or len(picked) == batch_size
        for level in LADDER[:-1]:
            rows = [row for row in picked if row[1] == level]
            if rows:
                escalated += _escalate_batch(picked=rows, level=level, stage=stage, statuses=statuses, now=now)
    reminded = _remind(now=now, batch_size=batch_size)
    supervised = _supervise(now=now, batch_size=batch_size)
    more = full or batch_size in (reminded, supervised)
    return {"reminded": reminded, "escalated": escalated, "supervised": supervised, "more": more}


def _once_each(candidates, *, field: str, batch_size: int, act) -> int:
    """Claim a batch by stamping `field` with this sweep's own time in one conditional UPDATE, then act on it together.

    The UPDATE repeats the candidates' conditions, so a request another sweep claimed, or that moved on, is left out;
    reading back by the stamp returns exactly the rows this sweep claimed.
    """
    ids = list(candidates.values_list("pk", flat=True)[:batch_size])
    if not ids:
        return 0
    stamp = timezone.now()
    with transaction.atomic():
        candidates.filter(pk__in=ids).update(**{field: stamp})
        claimed = list(ResidentRequest.objects.filter(pk__in=ids, **{field: stamp}).select_related("category", "grid", "handler"))
        if claimed:
            act(claimed)
    return len(claimed)


def _remind(*, now: dt.datetime, batch_size: int) -> int:
    """催办: the people who must act now are reminded once per stage, at 80% of its time."""

    def remind(claimed: list[ResidentRequest]) -> None:
        people = people_to_act_each(claimed)
        notices = []
        for resident_request in claimed:
            due = resident_request.stage_deadline
            title = _("Reminder (催办): %(category)s is due %(due)s") % {
                "category": resident_request.category.name,
                "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
            }
            notices += notices_for(people[resident_request.pk], resident_request=resident_request, title=title, key=f"remind-{due.timestamp():.0f}")
        notification_send(notifications=notices)
        timelines_record(claimed, action=TimelineAction.REMIND)

    due_reminders = ResidentRequest.objects.filter(status__in=OPEN, remind_at__lte=now, reminded_at__isnull=True, stage_deadline__gte=now)
    return _once_each(due_reminders.order_by("remind_at"), field="reminded_at", batch_size=batch_size, act=remind)


def _supervise(*, now: dt.datetime, batch_size: int) -> int:
    """督办: a verification, answer or follow-up past its deadline is reported to the level above, once per stage."""

    def supervise(claimed: list[ResidentRequest]) -> None:
        posts = {resident_request.pk: supervisors_post(resident_request) for resident_request in claimed}
        stages = {resident_request.pk: str(Stage(resident_request.stage).label) for resident_request in claimed}
        staff = staff_at(set(posts.values()))
        notices = []
        for resident_request in claimed:
            due = resident_request.stage_deadline
            title = _("Overdue (督办): %(category)s has waited for %(stage)s since %(due)s") % {
                "category": resident_request.category.name,
                "stage": stages[resident_request.pk],
                "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
            }
            key = f"supervise-{due.timestamp():.0f}"
            notices += notices_for(staff[posts[resident_request.pk]], resident_request=resident_request, title=title, key=key)
        notification_send(notifications=notices)
        timelines_record(claimed, action=TimelineAction.SUPERVISE, note=lambda resident_request: stages[resident_request.pk])

    late = ResidentRequest.objects.filter(status__in=OPEN, stage__in=SUPERVISED_STAGES, stage_deadline__lt=now, supervised_at__isnull=True)
    return _once_each(late.order_by("stage_deadline"), field="supervised_at", batch_size=batch_size, act=supervise)


def _escalate_batch(*, picked: list[tuple], level: str, stage: str, statuses: list[str], now: dt.datetime) -> int:
    """Escalate the overdue requests of one level and stage together.

    Requests sharing a time limit get the same new deadline, so each group is claimed and moved by one
    conditional UPDATE: only rows still overdue at that level match, and the claim stamps them with this
    sweep's own time, so a concurrent sweep can neither claim them again nor mistake them for its own.
    An unaccepted request stays to be accepted at the level above; an unhandled one is accepted there to be
    dispatched again. Timeline rows and one notification per person follow in bulk.
    """
    target = next_level(level)
    stamp = timezone.now()
    limits = list(TimeLimit.objects.filter(stage=stage))
    cal = calendar.calendar_for(timezone.localdate(stamp), timezone.localdate(stamp) + dt.timedelta(days=120))
    groups: dict[int, list[int]] = {}
    for pk, _level, category_id, parent_id, urgency in picked:
        limit = best_limit(limits, CategoryKey(category_id, parent_id), urgency)
        groups.setdefault(limit.pk, []).append(pk)
    by_pk = {limit.pk: limit for limit in limits}
    to_status = Status.ACCEPTED if stage == Stage.HANDLE else Status.SUBMITTED
    with transaction.atomic():
        for limit_pk, ids in groups.items():
            due = calendar.deadline(stamp, by_pk[limit_pk].amount, by_pk[limit_pk].unit, cal)
            moved = {"handle_deadline": due, "handler": None, "handler_unit": None} if stage == Stage.HANDLE else {"accepted_on_time": False}
            ResidentRequest.objects.filter(pk__in=ids, level=level, status__in=statuses, stage=stage, stage_deadline__lt=now).update(
                status=to_status, level=target, escalation_count=F("escalation_count") + 1, stage_started_at=stamp, stage_deadline=due,
                remind_at=reminder_time(stamp, due), reminded_at=None, supervised_at=None, updated_at=stamp, **moved,
            )  # fmt: skip
        claimed = ResidentRequest.objects.filter(pk__in=[row[0] for row in picked], level=target, stage_started_at=stamp).order_by()
        note = _("Deadline passed: escalated automatically.") if stage == Stage.HANDLE else _("Not accepted in time: escalated automatically.")
        # The batch's timeline rows are made by the database from the claimed rows: no Python object per request.
        entry = {"at": stamp, "action": TimelineAction.ESCALATE, "from_status": "", "to_status": to_status, "level": target, "note": note, "public": False}
        rows_insert_select(TimelineEntry, {"request": "pk", **{name: Value(value) for name, value in entry.items()}}, claimed)
        counts = dict(claimed.values_list(PLACES[target][1]).annotate(count=Count("pk")))
        notify_escalations(counts, target=target, stamp=stamp)
    return sum(counts.values())
