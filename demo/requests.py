"""Two years of demo requests in realistic states: mostly closed and rated, a share still open, some overdue.

At district scale about 60,000 requests (six a building) with their timelines, bulk-inserted; deadlines
follow the official calendar exactly as the services compute them.
"""

import datetime as dt
import random

from django.utils import timezone

from governance.models import Membership
from governance.roles import Role
from households.models import Household
from resident_requests import calendar
from resident_requests.defaults import defaults_ensure
from resident_requests.lifecycle import HandlingLevel, Stage, Status, TimelineAction
from resident_requests.models import Category, Open311Partner, ResidentRequest, ServiceAttribute, TimeLimit, TimelineEntry, Urgency
from resident_requests.services.partners import open311_partner_save

REQUESTS_PER_BUILDING = 6
BATCH = 5000
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
CLOSED_RATINGS = [5] * 50 + [4] * 30 + [3] * 12 + [2] * 5 + [1] * 3


def seed_requests(district_seeder, *, buildings) -> dict:
    defaults_ensure()
    rng: random.Random = district_seeder.rng
    now = timezone.now()
    start = now - dt.timedelta(days=730)
    cal = calendar.calendar_for(start.date() - dt.timedelta(days=1), now.date() + dt.timedelta(days=90))
    limits = {(limit.urgency, limit.stage): limit for limit in TimeLimit.objects.filter(category__isnull=True)}
    leaves = list(Category.objects.filter(parent__isnull=False).select_related("parent"))
    workers = dict(Membership.objects.filter(role=Role.GRID_WORKER, grid__in={b.grid_id for b in buildings}).values_list("grid_id", "user_id"))
    cadres = dict(Membership.objects.filter(role=Role.COMMUNITY_SECRETARY).values_list("community_id", "user_id"))
    homes: dict[int, list[int]] = {}
    for pk, building_id in Household.objects.filter(building__in=buildings, status="active").values_list("pk", "building_id"):
        homes.setdefault(building_id, []).append(pk)

    def due(moment, urgency, stage):
        limit = limits.get((urgency, stage)) or limits[("", stage)]
        return calendar.deadline(moment, limit.amount, limit.unit, cal)

    requests, steps = [], []
    for building in buildings:
        community_id = building.grid.community_id
        for _ in range(REQUESTS_PER_BUILDING):
            category = rng.choice(leaves)
            urgency = rng.choices([Urgency.IMMEDIATE, Urgency.SCHEDULED, Urgency.LONG_TERM], weights=[25, 70, 5])[0]
            created = start + dt.timedelta(seconds=rng.randrange(730 * 86400))
            age = (now - created).days
            household = rng.choice(homes[building.pk]) if homes.get(building.pk) and rng.random() < 0.7 else None
            worker, cadre = workers.get(building.grid_id), cadres.get(community_id)
            req = ResidentRequest(
                source=rng.choices(SEEDED_SOURCES, weights=[35, 30, 10, 20, 4, 1])[0],
                category=category,
                urgency=urgency,
                description=rng.choice(DESCRIPTIONS.get(category.parent.code, DESCRIPTIONS["other"])),
                grid_id=building.grid_id,
                building_id=building.pk,
                household_id=household,
                anonymous=rng.random() < 0.1,
                created_by_id=None,
                stage=Stage.ACCEPT,
                stage_started_at=created,
                stage_deadline=due(created, urgency, Stage.ACCEPT),
            )
            req.created_at = created
            path = [TimelineAction.SUBMIT]
            accepted = created + dt.timedelta(hours=rng.uniform(0.5, 30))
            if age > 30:
                outcome = rng.choices(["closed", "refused", "long_term", "withdrawn"], weights=[92, 3, 2, 3])[0]
            else:
                outcome = rng.choice(["submitted", "accepted", "dispatched", "taken", "in_progress", "handled", "verified", "answered", "closed"])
            if outcome == "submitted":
                req.status = Status.SUBMITTED
            elif outcome in ("refused", "withdrawn"):
                req.status = Status.REFUSED if outcome == "refused" else Status.WITHDRAWN
                req.closed_at = accepted
                req.answer_note = "不属于社区受理范围，已告知居民拨打12345" if outcome == "refused" else ""
                req.stage, req.stage_deadline = "", None
                path.append(TimelineAction.REFUSE if outcome == "refused" else TimelineAction.WITHDRAW)
            else:
                req.accepted_at = accepted
                req.accepted_on_time = accepted <= req.stage_deadline
                handle_due = due(accepted, urgency, Stage.HANDLE)
                req.status, req.stage, req.stage_started_at, req.stage_deadline, req.handle_deadline = (
                    Status.ACCEPTED,
                    Stage.HANDLE,
                    accepted,
                    handle_due,
                    handle_due,
                )
                path.append(TimelineAction.ACCEPT)
                _advance(req, outcome, rng, worker, cadre, accepted, handle_due, due, path)
            if req.stage_deadline and req.stage_started_at:
                req.remind_at = req.stage_started_at + (req.stage_deadline - req.stage_started_at) * 0.8
            requests.append(req)
            steps.append(path)
    # created_at is auto_now_add, which the insert overwrites: put the historical times back afterwards.
    submitted = [req.created_at for req in requests]
    ResidentRequest.objects.bulk_create(requests, batch_size=BATCH)
    for req, moment in zip(requests, submitted, strict=True):
        req.created_at = moment
    ResidentRequest.objects.bulk_update(requests, ["created_at"], batch_size=BATCH)
    timeline = []
    for req, path in zip(requests, steps, strict=True):
        status = ""
        for action in path:
            to = ACTION_STATUS[action]
            timeline.append(
                TimelineEntry(
                    request_id=req.pk,
                    action=action,
                    from_status=status,
                    to_status=to,
                    level=HandlingLevel.GRID if action != TimelineAction.ACCEPT else HandlingLevel.COMMUNITY,
                    public=action in PUBLIC_ACTIONS,
                )
            )
            status = to
    TimelineEntry.objects.bulk_create(timeline, batch_size=BATCH)
    seed_open311()
    return {"requests": len(requests)}


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


ACTION_STATUS = {
    TimelineAction.SUBMIT: Status.SUBMITTED, TimelineAction.ACCEPT: Status.ACCEPTED, TimelineAction.REFUSE: Status.REFUSED,
    TimelineAction.WITHDRAW: Status.WITHDRAWN, TimelineAction.DISPATCH: Status.DISPATCHED, TimelineAction.TAKE: Status.TAKEN,
    TimelineAction.START: Status.IN_PROGRESS, TimelineAction.HANDLE: Status.HANDLED, TimelineAction.VERIFY: Status.VERIFIED,
    TimelineAction.ANSWER: Status.ANSWERED, TimelineAction.FOLLOW_UP: Status.CLOSED, TimelineAction.LONG_TERM: Status.LONG_TERM,
}  # fmt: skip
# As the services write them: staff notes are internal; the answer, refusal and long-term explanation are for the resident.
PUBLIC_ACTIONS = {TimelineAction.SUBMIT, TimelineAction.REFUSE, TimelineAction.ANSWER, TimelineAction.FOLLOW_UP, TimelineAction.LONG_TERM}
ORDER = ["accepted", "dispatched", "taken", "in_progress", "handled", "verified", "answered", "closed"]


def _advance(req, outcome, rng, worker, cadre, accepted, handle_due, due, path) -> None:
    """Walk an accepted request forward to its outcome, with plausible times and the on-time flags."""
    if outcome == "long_term":
        req.status, req.stage, req.stage_deadline = Status.LONG_TERM, "", None
        req.answer_note = "需纳入老旧小区改造计划，已向居民解释，每月跟进"
        path.append(TimelineAction.LONG_TERM)
        return
    target = ORDER.index(outcome)
    moment = accepted
    if target >= 1:
        moment += dt.timedelta(hours=rng.uniform(0.2, 8))
        req.status, req.handler_id, req.dispatched_at = Status.DISPATCHED, worker, moment
        path.append(TimelineAction.DISPATCH)
    if target >= 2:
        moment += dt.timedelta(hours=rng.uniform(0.1, 6))
        req.status = Status.TAKEN
        path.append(TimelineAction.TAKE)
    if target >= 3:
        req.status = Status.IN_PROGRESS
        path.append(TimelineAction.START)
    if target >= 4:
        # Most are handled in time; about one in eight runs late.
        late = rng.random() < 0.12
        moment = handle_due + dt.timedelta(hours=rng.uniform(1, 48)) if late else moment + (handle_due - moment) * rng.uniform(0.1, 0.9)
        req.status, req.handled_at, req.handled_on_time = Status.HANDLED, moment, not late
        req.result_note = "已现场处置完毕"
        req.rework_count = 1 if rng.random() < 0.04 else 0
        path.append(TimelineAction.HANDLE)
    if target >= 5:
        moment += dt.timedelta(hours=rng.uniform(1, 20))
        answer_due = due(moment, req.urgency, Stage.ANSWER)
        req.status, req.stage, req.stage_started_at, req.stage_deadline = Status.VERIFIED, Stage.ANSWER, moment, answer_due
        path.append(TimelineAction.VERIFY)
    if target >= 6:
        moment += dt.timedelta(hours=rng.uniform(1, 20))
        follow_due = due(moment, req.urgency, Stage.FOLLOW_UP)
        req.answered_on_time = moment <= req.stage_deadline
        req.status, req.answered_at, req.answer_note = Status.ANSWERED, moment, "已处理完毕，请您查看"
        req.stage, req.stage_started_at, req.stage_deadline = Stage.FOLLOW_UP, moment, follow_due
        path.append(TimelineAction.ANSWER)
    if target >= 7:
        moment += dt.timedelta(days=rng.uniform(0.5, 6))
        req.followed_up_on_time = moment <= req.stage_deadline
        req.status, req.closed_at, req.stage, req.stage_deadline = Status.CLOSED, moment, "", None
        if req.anonymous or rng.random() < 0.03:
            req.follow_up_declined = True
        else:
            req.rating = rng.choice(CLOSED_RATINGS)
        path.append(TimelineAction.FOLLOW_UP)
    if req.handler_id is None and target >= 1:
        req.handler_id = cadre
