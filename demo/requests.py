"""Two years of demo requests told step by step: mostly closed and rated, a share still open, some stuck and escalated.

Each request's story is what the services and the sweep would have written had they run at the time: every step in
the office's working hours by the person who took it (the community cadre at the front desk, the grid worker, the
secretary who checks), the sweep's reminders, 督办 notices and escalations at the minute they fall due, and the
request's own time fields, deadlines and on-time flags equal to its timeline. At district scale about 60,000
requests (six a building) and about 600,000 timeline entries are bulk-inserted with those historic times.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from demo.clock import WAKING_WINDOWS, OfficeClock
from demo.copy import objects_insert, rows_insert
from governance.models import Membership
from governance.roles import Role
from households.models import Household
from resident_requests import calendar
from resident_requests.lifecycle import ESCALATING_STAGES, STAGE_OF, SUPERVISED_STAGES, TRANSITIONS, HandlingLevel, Stage, Status, TimelineAction, next_level
from resident_requests.models import Category, Open311Partner, ResidentRequest, ServiceAttribute, TimeLimit, TimelineEntry, Urgency
from resident_requests.services.deadlines import reminder_time
from resident_requests.services.partners import open311_partner_save
from resident_requests.services.workflow import satisfied

REQUESTS_PER_BUILDING = 6
TIMELINE_COLUMNS = ("request_id", "at", "actor_id", "action", "from_status", "to_status", "level", "note", "public")
DESCRIPTIONS = {
    "property": ["楼道灯不亮已经一周", "电梯经常停运", "物业不及时清理楼道杂物"],
    "sanitation": ["垃圾桶满了没人清运", "楼下噪音很大影响休息", "楼道有人堆放垃圾"],
    "municipal": ["暖气不热，室温只有十五度", "小区路灯坏了", "下水道堵塞返味"],
    "hazard": ["楼道里有电动车充电", "消防通道被车辆堵塞", "阳台花盆有坠落危险"],
    "dispute": ["楼上漏水邻居不配合维修", "邻里因停车发生争执"],
    "assistance": ["老人独居希望安排助餐", "咨询残疾人补贴办理", "希望帮助申请低保"],
    "policy": ["咨询医保异地报销", "咨询社保缴费", "咨询户口迁移手续"],
    "transport": ["小区门口乱停车严重", "公交站牌损坏"],
    "urban": ["路面塌陷需要修补", "楼顶违建影响采光"],
    "housing": ["房屋墙体开裂", "咨询公租房申请"],
    "other": ["建议增加健身器材", "希望开设老年课堂"],
}
# Open311 requests come with their partner, which the seed leaves to seed_open311.
SEEDED_SOURCES = [source for source in ResidentRequest.Source if source != ResidentRequest.Source.OPEN311]
# Found by staff on their rounds or taken on the office phone: filed in working hours, by them.
STAFF_SOURCES = {ResidentRequest.Source.PATROL, ResidentRequest.Source.VISIT, ResidentRequest.Source.HOTLINE}
CLOSED_RATINGS = [5] * 50 + [4] * 30 + [3] * 12 + [2] * 5 + [1] * 3
# A recent request may be left where it stands (a handler or the follow-up call forgotten) for the sweep to escalate
# or report to the level above (督办): the overdue list.
STUCK_WITHIN_DAYS, STUCK_SHARE = 14, 0.3
STUCK_AT = [Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS, Status.ANSWERED]
# About one in eight runs past the grid's handling deadline; one in twenty-five fails the check (返工).
LATE_SHARE, REWORK_SHARE = 0.12, 0.04
# The sweep runs every five minutes (CELERY_BEAT_SCHEDULE), so it acts within five minutes of a mark.
SWEEP_EVERY = 300
REFUSAL = "不属于社区受理范围，已告知居民拨打12345"
LONG_TERM_NOTE = "需纳入老旧小区改造计划，已向居民解释，每月跟进"
RESULT = "已现场处置完毕"
ANSWER = "已处理完毕，请您查看"


@dataclass(frozen=True)
class People:
    """Who takes each step of a request in its grid: the front desk, the grid worker, the secretary who checks."""

    cadre: int | None
    worker: int | None
    secretary: int | None


def seed_requests(district_seeder, *, buildings) -> dict:
    rng: random.Random = district_seeder.rng
    clock: OfficeClock = district_seeder.clock
    limits = {(limit.urgency, limit.stage): limit for limit in TimeLimit.objects.filter(category__isnull=True)}
    leaves = list(Category.objects.filter(parent__isnull=False).select_related("parent"))
    staff: dict[tuple[str, int], int] = {}
    for role, grid_id, community_id, user_id in Membership.objects.filter(
        role__in=[Role.GRID_WORKER, Role.COMMUNITY_CADRE, Role.COMMUNITY_SECRETARY]
    ).values_list("role", "grid_id", "community_id", "user_id"):
        staff.setdefault((role, grid_id or community_id), user_id)
    homes: dict[int, list[int]] = {}
    for pk, building_id in Household.objects.filter(building__in=buildings, status="active").values_list("pk", "building_id"):
        homes.setdefault(building_id, []).append(pk)

    def due(moment, urgency, stage):
        limit = limits.get((urgency, stage)) or limits[("", stage)]
        return calendar.deadline(moment, limit.amount, limit.unit, clock.calendar)

    first_day = clock.today - dt.timedelta(days=730)
    stories = []
    for building in buildings:
        community_id = building.grid.community_id
        people = People(
            cadre=staff.get((Role.COMMUNITY_CADRE, community_id)),
            worker=staff.get((Role.GRID_WORKER, building.grid_id)),
            secretary=staff.get((Role.COMMUNITY_SECRETARY, community_id)),
        )
        for _index in range(REQUESTS_PER_BUILDING):
            category = rng.choice(leaves)
            source = rng.choices(SEEDED_SOURCES, weights=[35, 30, 10, 20, 4, 1])[0]
            day = first_day + dt.timedelta(days=rng.randrange(730))
            if source in STAFF_SOURCES:
                created = clock.moment_on(clock.working_day(day))
                entered_by = people.cadre if source == ResidentRequest.Source.HOTLINE else people.worker
            else:
                created, entered_by = clock.moment_on(day, WAKING_WINDOWS), None
            household = rng.choice(homes[building.pk]) if homes.get(building.pk) and rng.random() < 0.7 else None
            req = ResidentRequest(
                source=source,
                category=category,
                urgency=rng.choices([Urgency.IMMEDIATE, Urgency.SCHEDULED, Urgency.LONG_TERM], weights=[25, 70, 5])[0],
                description=rng.choice(DESCRIPTIONS.get(category.parent.code, DESCRIPTIONS["other"])),
                grid_id=building.grid_id,
                building_id=building.pk,
                household_id=household,
                anonymous=rng.random() < 0.1,
                created_by_id=entered_by,
                created_at=created,
            )
            story = Story(req, clock=clock, due=due)
            if (clock.now - created).days <= STUCK_WITHIN_DAYS and rng.random() < STUCK_SHARE:
                target = rng.choice(STUCK_AT)
            else:
                target = rng.choices([Status.CLOSED, Status.REFUSED, Status.LONG_TERM, Status.WITHDRAWN], weights=[92, 3, 2, 3])[0]
            _walk(story, target, rng, people)
            # Nobody acts after the last step: the sweep alone goes on until the seed's "now".
            story.sweep(until=clock.now)
            stories.append(story)
    requests = objects_insert(ResidentRequest, [story.req for story in stories])
    entries = rows_insert(TimelineEntry, TIMELINE_COLUMNS, ((story.req.pk, *entry) for story in stories for entry in story.entries))
    seed_open311()
    return {"requests": len(requests), "timeline entries": entries}


class Story:
    """One request's history as the services and the sweep would have written it, each row at its own moment.

    A step moves the status as transition() does (an allowed move; a new stage starts its deadline and reminder, no
    stage clears them) and ends the current stage on time or late; before each step, whatever the sweep owed until
    then is done at the sweep's minute. A step that would fall after the seed's "now" is not taken.
    """

    def __init__(self, req: ResidentRequest, *, clock: OfficeClock, due):
        self.req, self.clock, self.due = req, clock, due
        self.moment = req.created_at
        deadline = due(req.created_at, req.urgency, Stage.ACCEPT)
        req.status, req.level, req.stage, req.stage_started_at, req.stage_deadline = (
            Status.SUBMITTED, HandlingLevel.GRID, Stage.ACCEPT, req.created_at, deadline,
        )  # fmt: skip
        req.remind_at, req.updated_at = reminder_time(req.created_at, deadline), req.created_at
        self.entries = [self._entry(TimelineAction.SUBMIT, req.created_at, actor=req.created_by_id, frm="", public=True)]

    def _entry(self, action, at, *, actor=None, to=None, note="", public=False, frm=None) -> tuple:
        """A timeline row of TIMELINE_COLUMNS after the request's id."""
        req = self.req
        return (at, actor, action, req.status if frm is None else frm, to or req.status, req.level, note, public)

    def step(self, action, to, *, actor, hours: float = 0.0, at=None, on_time="", stamp=(), note="", public=False, restart_stage=True, **fields) -> bool:
        """`hours` of working time after the last step (or `at`); `on_time` names the flag of the stage it ends, `stamp` the times it sets."""
        at = at or self.clock.after(self.moment, hours)
        if at > self.clock.now:
            return False
        req = self.req
        escalations = req.escalation_count
        self.sweep(until=at)
        if req.escalation_count > escalations:
            # A deadline passed first: the person finds the request moved up, and the story goes on from there.
            self.moment = at
            return True
        assert to in TRANSITIONS[req.status], f"{req.status} -> {to}"
        if on_time:
            fields[on_time] = None if req.stage_deadline is None else at <= req.stage_deadline
        fields.update(dict.fromkeys(stamp, at))
        new_stage = STAGE_OF.get(to, "")
        if restart_stage and new_stage:
            deadline = self.due(at, req.urgency, new_stage)
            fields.update(stage=new_stage, stage_started_at=at, stage_deadline=deadline, remind_at=reminder_time(at, deadline), reminded_at=None)
            fields.update(supervised_at=None, **({"handle_deadline": deadline} if new_stage == Stage.HANDLE else {}))
        elif not new_stage:
            fields.update(stage="", stage_deadline=None, remind_at=None, reminded_at=None, supervised_at=None)
        self.entries.append(self._entry(action, at, actor=actor, to=to, note=note, public=public))
        for name, value in {**fields, "status": to, "updated_at": at}.items():
            setattr(req, name, value)
        self.moment = at
        return True

    def sweep(self, *, until: dt.datetime) -> None:
        """What the five-minute sweep did before `until`: 催办 at 80% of a stage, then at its deadline an escalation
        (acceptance, handling) or a 督办 notice (verification, answer, follow-up), each once."""
        req = self.req
        while req.stage_deadline is not None:
            if req.reminded_at is None and req.remind_at <= req.stage_deadline and _tick(req.remind_at) < until:
                req.reminded_at = _tick(req.remind_at)
                self.entries.append(self._entry(TimelineAction.REMIND, req.reminded_at))
                continue
            at = _tick(req.stage_deadline)
            if at >= until:
                return
            if req.status in ESCALATING_STAGES.get(req.stage, ()) and req.level != HandlingLevel.DISTRICT:
                self._escalate(at)
            elif req.stage in SUPERVISED_STAGES and req.supervised_at is None:
                req.supervised_at = at
                self.entries.append(self._entry(TimelineAction.SUPERVISE, at, note=str(Stage(req.stage).label)))
                return
            else:
                return

    def _escalate(self, at: dt.datetime) -> None:
        """As the sweep's batch does: one rung up, the same stage afresh; an unhandled request waits there to be dispatched."""
        req = self.req
        handling = req.stage == Stage.HANDLE
        to = Status.ACCEPTED if handling else Status.SUBMITTED
        deadline = self.due(at, req.urgency, req.stage)
        frm = req.status
        req.status, req.level, req.escalation_count, req.updated_at = to, next_level(req.level), req.escalation_count + 1, at
        req.stage_started_at, req.stage_deadline, req.remind_at, req.reminded_at, req.supervised_at = at, deadline, reminder_time(at, deadline), None, None
        if handling:
            req.handle_deadline, req.handler_id = deadline, None
        else:
            req.accepted_on_time = False
        note = _("Deadline passed: escalated automatically.") if handling else _("Not accepted in time: escalated automatically.")
        self.entries.append(self._entry(TimelineAction.ESCALATE, at, frm=frm, note=note))


def _tick(mark: dt.datetime) -> dt.datetime:
    """The sweep's first run after `mark`."""
    return mark + dt.timedelta(seconds=SWEEP_EVERY - mark.timestamp() % SWEEP_EVERY)


def _walk(story: Story, target: str, rng: random.Random, people: People) -> None:
    """Take the natural next step until the request reaches `target` or the next step is still to come."""
    req = story.req
    while req.status != target:
        if not _next_step(story, target, rng, people):
            return


def _next_step(story: Story, target: str, rng: random.Random, people: People) -> bool:
    req, clock = story.req, story.clock
    status = req.status
    # At the grid's level the community's front desk dispatches; once escalated, the secretary does.
    dispatcher = people.cadre if req.level == HandlingLevel.GRID else people.secretary
    handler = people.worker or people.cadre
    if status == Status.SUBMITTED:
        if target == Status.REFUSED:
            return story.step(
                TimelineAction.REFUSE, Status.REFUSED, actor=people.secretary, hours=rng.uniform(0.3, 6), on_time="accepted_on_time",
                stamp=("closed_at",), note=REFUSAL, public=True, answer_note=REFUSAL,
            )  # fmt: skip
        if target == Status.WITHDRAWN:
            return story.step(
                TimelineAction.WITHDRAW, Status.WITHDRAWN, actor=people.cadre, hours=rng.uniform(0.3, 6), stamp=("closed_at",),
                note="居民来电说明问题已自行解决",
            )  # fmt: skip
        return story.step(
            TimelineAction.ACCEPT, Status.ACCEPTED, actor=people.cadre, hours=rng.uniform(0.3, 6), on_time="accepted_on_time", stamp=("accepted_at",)
        )
    if status == Status.ACCEPTED:
        if target == Status.LONG_TERM:
            return story.step(
                TimelineAction.LONG_TERM, Status.LONG_TERM, actor=people.secretary, hours=rng.uniform(1, 12), on_time="handled_on_time",
                note=LONG_TERM_NOTE, public=True, answer_note=LONG_TERM_NOTE,
            )  # fmt: skip
        return story.step(TimelineAction.DISPATCH, Status.DISPATCHED, actor=dispatcher, hours=rng.uniform(0.2, 6), stamp=("dispatched_at",), handler_id=handler)
    if status == Status.DISPATCHED:
        return story.step(TimelineAction.TAKE, Status.TAKEN, actor=handler, hours=rng.uniform(0.1, 2), restart_stage=False)
    if status == Status.TAKEN:
        return story.step(
            TimelineAction.START, Status.IN_PROGRESS, actor=handler, hours=rng.uniform(0.2, 3), restart_stage=False, note="已联系居民，约定上门时间"
        )
    if status == Status.IN_PROGRESS:
        if req.escalation_count == 0 and req.redo_count == 0 and req.rework_count == 0 and rng.random() < LATE_SHARE:
            # Left past the grid's deadline: the sweep moves it up to the community, whose secretary sends it back down.
            at = clock.after(req.stage_deadline, rng.uniform(0.5, 4))
        else:
            # Handled in good time: in the working hours before a point between a tenth and three quarters of what is left.
            at = max(story.moment, clock.before(story.moment + (req.stage_deadline - story.moment) * rng.uniform(0.1, 0.75)))
        return story.step(
            TimelineAction.HANDLE, Status.HANDLED, actor=handler, at=at, on_time="handled_on_time", stamp=("handled_at",), note=RESULT, result_note=RESULT
        )
    if status == Status.HANDLED:
        if req.rework_count == 0 and rng.random() < REWORK_SHARE:
            return story.step(
                TimelineAction.REWORK, Status.IN_PROGRESS, actor=people.secretary, hours=rng.uniform(0.5, 5), on_time="verified_on_time",
                note="现场核查仍有问题，请返工", rework_count=1, handled_on_time=None,
            )  # fmt: skip
        return story.step(TimelineAction.VERIFY, Status.VERIFIED, actor=people.secretary, hours=rng.uniform(0.5, 5), on_time="verified_on_time")
    if status == Status.VERIFIED:
        return story.step(
            TimelineAction.ANSWER, Status.ANSWERED, actor=people.cadre, hours=rng.uniform(0.5, 5), on_time="answered_on_time", stamp=("answered_at",),
            note=ANSWER, public=True, answer_note=ANSWER,
        )  # fmt: skip
    # Answered: the front desk phones the resident (回访) a few working days later.
    hours = rng.uniform(4, 25)
    if req.anonymous or rng.random() < 0.03:
        return story.step(
            TimelineAction.FOLLOW_UP_DECLINED, Status.CLOSED, actor=people.cadre, hours=hours, on_time="followed_up_on_time", stamp=("closed_at",),
            note="电话回访未接通", follow_up_declined=True,
        )  # fmt: skip
    rating = rng.choice(CLOSED_RATINGS)
    if req.redo_count or satisfied(rating):
        rating = rating if satisfied(rating) else 3
        return story.step(
            TimelineAction.FOLLOW_UP, Status.CLOSED, actor=people.cadre, hours=hours, on_time="followed_up_on_time", stamp=("closed_at",),
            note="电话回访", rating=rating,
        )  # fmt: skip
    # Not satisfied: reopened for a redo (重办), once.
    return story.step(
        TimelineAction.REDO, Status.IN_PROGRESS, actor=people.cadre, hours=hours, on_time="followed_up_on_time", note="居民对处理结果不满意",
        rating=rating, redo_count=1, handled_on_time=None,
    )  # fmt: skip


OPEN311_PARTNER = "12345 热线"


def seed_open311() -> None:
    """The 12345 hotline as an Open311 partner (its key: `manage.py open311_key --partner "12345 热线"`) and one service question."""
    if not Open311Partner.objects.filter(name=OPEN311_PARTNER).exists():
        open311_partner_save(actor=None, partner=Open311Partner(name=OPEN311_PARTNER))
    ServiceAttribute.objects.get_or_create(
        category=Category.objects.get(code="property-1"),
        code="fault",
        defaults={
            "description": "电梯是什么故障？",
            "datatype": ServiceAttribute.Datatype.SINGLE,
            "values": "stuck=困人或停在楼层之间\nstopped=停运\nnoise=异响或抖动",
        },
    )
