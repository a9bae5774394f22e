"""一对一帮带 and "四个一": pairs chosen both ways, the plan of measures, the growth file and the routine meetings."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cadres.models import GrowthEntry, MentorPair, PlanMeasure, Pool, Review, RoutineMeeting, WorkerProfile
from cadres.permissions import can_manage
from governance.audit import audit_record
from governance.models import AuditEntry, Membership
from governance.roles import ROLE_CAPABILITIES, Capability
from notifications.models import Notification
from notifications.services import notification_send

# Reminders go out in batches of this many missed meetings; a re-run picks only the unclaimed ones.
REMIND_BATCH = 500
TRAINEE_POOLS = (Pool.RESERVE, Pool.BRANCH_SECRETARY)


def _require(actor, ancestry) -> None:
    if not can_manage(actor, ancestry):
        raise PermissionDenied(_("Your role does not allow keeping the mentoring of this community."))


def _in_pool(profile: WorkerProfile, pools) -> bool:
    return profile.pool_entries.filter(pool__in=pools, status=Review.APPROVED).exists()


@transaction.atomic
def pair_choose(*, actor, mentor: WorkerProfile, trainee: WorkerProfile, side: str) -> MentorPair:
    """One side's choice, recorded by the trainee's community: the pair is active once both sides have chosen each other."""
    _require(actor, trainee.ancestry())
    if side not in ("mentor", "trainee"):
        raise ValidationError({"side": _("Say which side chose.")})
    if mentor.pk == trainee.pk:
        raise ValidationError(_("A mentor cannot mentor themselves."))
    if not _in_pool(mentor, [Pool.MENTOR]):
        raise ValidationError({"mentor": _("The mentor must be filed in the mentor pool.")})
    if not _in_pool(trainee, TRAINEE_POOLS):
        raise ValidationError({"trainee": _("The trainee must be filed in a reserve pool.")})
    try:
        with transaction.atomic():
            pair, created = (
                MentorPair.objects.select_for_update()
                .exclude(status=MentorPair.Status.ENDED)
                .get_or_create(mentor=mentor, trainee=trainee, defaults={"community": trainee.community})
            )
    except IntegrityError as exc:
        raise ValidationError(_("Someone else has just recorded this pair; reload the page.")) from exc
    before = pair.status
    setattr(pair, f"{side}_chose", True)
    if pair.mentor_chose and pair.trainee_chose and pair.status == MentorPair.Status.PROPOSED:
        pair.status, pair.started_on = MentorPair.Status.ACTIVE, timezone.localdate()
    pair.save(update_fields=["mentor_chose", "trainee_chose", "status", "started_on"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        instance=pair,
        changes={"status": [before, pair.status], "chose": [None, side]},
    )
    return pair


@transaction.atomic
def pair_end(*, actor, pair: MentorPair, reason: str) -> MentorPair:
    _require(actor, pair.ancestry())
    if pair.status == MentorPair.Status.ENDED:
        raise ValidationError(_("The pair has already ended."))
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("Give the reason.")})
    before = pair.status
    MentorPair.objects.filter(pk=pair.pk).update(status=MentorPair.Status.ENDED)
    pair.status = MentorPair.Status.ENDED
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=pair, changes={"status": [before, pair.status], "reason": [None, reason.strip()]})
    return pair


def _active(actor, pair: MentorPair) -> None:
    _require(actor, pair.ancestry())
    if pair.status != MentorPair.Status.ACTIVE:
        raise ValidationError(_("Only an active pair has a plan and a growth file."))


@transaction.atomic
def measure_add(*, actor, pair: MentorPair, text: str, due_on: dt.date | None = None) -> PlanMeasure:
    """A concrete measure of the 帮带 plan."""
    _active(actor, pair)
    if len(text.strip()) < 2:
        raise ValidationError({"text": _("Describe the measure.")})
    measure = PlanMeasure.objects.create(pair=pair, text=text.strip()[:200], due_on=due_on)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=pair, changes={"measure": [None, measure.text]})
    return measure


@transaction.atomic
def measure_done(*, actor, measure: PlanMeasure) -> PlanMeasure:
    _active(actor, measure.pair)
    if not PlanMeasure.objects.filter(pk=measure.pk, done_on__isnull=True).update(done_on=timezone.localdate()):
        raise ValidationError(_("The measure is already done."))
    measure.refresh_from_db(fields=["done_on"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=measure.pair, changes={"measure done": [None, measure.text]})
    return measure


@transaction.atomic
def growth_record(*, actor, pair: MentorPair, kind: str, on: dt.date, text: str, solved: bool = False) -> GrowthEntry:
    """A line of the trainee's growth file: a day shadowed, a hard task (solved or not), a talk, the yearly evaluation."""
    _active(actor, pair)
    if kind not in GrowthEntry.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of entry this is.")})
    if on > timezone.localdate() or on < pair.started_on:
        raise ValidationError({"on": _("The date must lie between the pair's start and today.")})
    if len(text.strip()) < 2:
        raise ValidationError({"text": _("Say what happened.")})
    entry = GrowthEntry.objects.create(pair=pair, kind=kind, on=on, text=text.strip(), solved=solved and kind == GrowthEntry.Kind.HARD_TASK, recorded_by=actor)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=pair, changes={"growth": [None, f"{entry.get_kind_display()} {on}"]})
    return entry


def meeting_period(kind: str, day: dt.date) -> str:
    """The period a routine meeting belongs to: its month, quarter or half-year."""
    if kind == RoutineMeeting.Kind.EXCHANGE:
        return f"{day:%Y-%m}"
    if kind == RoutineMeeting.Kind.SEMINAR:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


@transaction.atomic
def meeting_schedule(*, actor, community, kind: str, scheduled_on: dt.date) -> RoutineMeeting:
    """Put the month's exchange, the quarter's seminar or the half-year's results meeting on the calendar (once per period)."""
    _require(actor, community.ancestry())
    if kind not in RoutineMeeting.Kind.values:
        raise ValidationError({"kind": _("Choose the meeting.")})
    try:
        with transaction.atomic():
            meeting = RoutineMeeting.objects.create(community=community, kind=kind, period=meeting_period(kind, scheduled_on), scheduled_on=scheduled_on)
    except IntegrityError as exc:
        raise ValidationError(_("This meeting is already on the calendar for its period.")) from exc
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=meeting, changes={"scheduled_on": [None, scheduled_on.isoformat()]})
    return meeting


@transaction.atomic
def meeting_record(*, actor, meeting: RoutineMeeting, held_on: dt.date, minutes: str) -> RoutineMeeting:
    _require(actor, meeting.ancestry())
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if len(minutes.strip()) < 2:
        raise ValidationError({"minutes": _("Write down what the meeting did.")})
    if meeting.held_on is not None:
        raise ValidationError(_("The meeting is already recorded."))
    meeting.held_on, meeting.minutes = held_on, minutes.strip()
    meeting.save(update_fields=["held_on", "minutes"])
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=meeting, changes={"held_on": [None, held_on.isoformat()]})
    return meeting


def meetings_remind(*, today: dt.date | None = None) -> int:
    """Daily: each meeting whose date has passed unrecorded is reminded once to its community's cadres keeping the files.

    The meetings are claimed with a conditional UPDATE of reminded_at, so a re-run or a concurrent run claims nothing twice;
    the notification keys (one per meeting) guard the sends as well."""
    today = today or timezone.localdate()
    sent = 0
    while True:
        ids = list(
            RoutineMeeting.objects.filter(scheduled_on__lt=today, held_on__isnull=True, reminded_at__isnull=True).values_list("pk", flat=True)[:REMIND_BATCH]
        )
        if not ids:
            return sent
        now = timezone.now()
        RoutineMeeting.objects.filter(pk__in=ids, reminded_at__isnull=True).update(reminded_at=now)
        claimed = list(RoutineMeeting.objects.filter(pk__in=ids, reminded_at=now).select_related("community"))
        roles = [role for role, capabilities in ROLE_CAPABILITIES.items() if Capability.MANAGE_CADRES in capabilities]
        keepers = Membership.objects.filter(community__in={m.community_id for m in claimed}, role__in=roles).values_list("community_id", "user_id")
        by_community: dict[int, list[int]] = {}
        for community_id, user_id in keepers:
            by_community.setdefault(community_id, []).append(user_id)
        notifications = [
            Notification(
                user_id=user_id,
                key=f"cadres-meeting:{meeting.pk}",
                title=_("Not recorded: %(meeting)s scheduled on %(date)s") % {"meeting": meeting.get_kind_display(), "date": meeting.scheduled_on.isoformat()},
                url=reverse("cadre-pairs"),
            )
            for meeting in claimed
            for user_id in by_community.get(meeting.community_id, [])
        ]
        sent += len(notification_send(notifications=notifications))
