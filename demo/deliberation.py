"""Demo deliberation: per community six months of three-party joint meetings (a month skipped now and then) and
residents' councils, and topics in every state — done with tasks done, published and in follow-through (one task
overdue), decided and published, scheduled with options, proposed, dropped — each with its history; bulk-inserted with historic times."""

import datetime as dt
import random

from django.db.models import Min

from core.dates import month_start
from core.personal_data import phone_fields
from deliberation.lifecycle import Status
from deliberation.models import Meeting, Option, Participant, Task, Topic, TopicEvent
from demo.clock import OfficeClock
from demo.copy import objects_insert
from demo.names import mobile, person_name
from governance.models import Community, Membership, ResidentUnit
from governance.roles import Role
from resident_requests.models import ResidentRequest

MONTHS = 6
# (title, description, options): what residents' councils in the articles' communities deliberate.
TOPICS = [
    ("加装电梯意见征集", "3号楼居民提出加装电梯，需征求一楼、二楼住户意见并商定费用分摊。", ["按楼层比例分摊费用", "申请补贴后平均分摊"]),
    ("小区停车位规划", "晚间车辆乱停，消防通道被占，需重新划定停车位并商定收费。", ["划线停车并按月收费", "只划线不收费"]),
    ("楼道堆物清理", "多个楼道堆放杂物，存在消防隐患。", ["统一清理并设立公共储物点", "各户限期自行清理"]),
    ("老旧小区改造方案", "改造资金已落实，需居民商定改造内容的先后顺序。", ["先改管网再改外墙", "先改外墙再改管网"]),
    ("物业费调整", "物业公司申请调整物业费，需三方协商。", ["维持现价、提升服务", "小幅上调并公示收支"]),
    ("社区食堂开放时间", "老年居民希望社区食堂提早开放早餐。", ["早餐提前到 6:30", "维持 7:00 开放"]),
]
TASKS = ["张贴公示并收集签字", "联系物业公司落实方案", "组织施工并验收", "向居民通报进展"]
PLACES = ["社区党群服务中心", "社区议事厅", "小区活动室"]
PARTICIPANTS = [
    (Participant.Kind.REPRESENTATIVES, 8),
    (Participant.Kind.CPPCC, 1),
    (Participant.Kind.PROPERTY, 2),
    (Participant.Kind.OWNERS, 3),
    (Participant.Kind.CONCERNED, 4),
    (Participant.Kind.CADRES, 2),
]
THREE_PARTY = {Participant.Kind.PROPERTY, Participant.Kind.OWNERS, Participant.Kind.CADRES}
# The states the six topics of a community end in, in order.
ENDS = [Status.DONE, Status.FOLLOWING, Status.SCHEDULED, Status.PROPOSED, Status.DROPPED, Status.DECIDED]


def seed_deliberation(district_seeder, *, buildings) -> dict:
    communities = list(Community.objects.filter(pk__in={building.grid.community_id for building in buildings}).order_by("code"))
    if Topic.objects.filter(community__in=communities).exists():
        return {}
    rng: random.Random = district_seeder.rng
    clock: OfficeClock = district_seeder.clock
    cadres = dict(Membership.objects.filter(role=Role.COMMUNITY_SECRETARY, community__in=communities).values_list("community_id", "user_id"))
    # Each community's first unit and first request (a GROUP BY: `make run` is on SQLite, which has no DISTINCT ON).
    units = dict(ResidentUnit.objects.filter(community__in=communities).values("community_id").annotate(first=Min("pk")).values_list("community_id", "first"))
    requests = dict(
        ResidentRequest.objects.filter(grid__community__in=communities)
        .values("grid__community_id")
        .annotate(first=Min("pk"))
        .values_list("grid__community_id", "first")
    )
    meetings = _meetings(rng, clock, communities, cadres)
    objects_insert(Meeting, meetings)
    participants = [
        Participant(meeting=meeting, kind=kind, names="、".join(person_name(rng) for _ in range(min(count, 3))), count=count + rng.randint(0, 2),
                    **(phone_fields(mobile(rng, district_seeder.phones)) if kind == Participant.Kind.PROPERTY else {}))
        for meeting in meetings
        for kind, count in PARTICIPANTS
        if meeting.kind != Meeting.Kind.THREE_PARTY or kind in THREE_PARTY
    ]  # fmt: skip
    objects_insert(Participant, participants)
    councils: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.kind == Meeting.Kind.RESIDENTS:
            councils.setdefault(meeting.community_id, []).append(meeting)
    topics, events, options, tasks = _topics(rng, clock, communities, cadres, units, requests, councils)
    objects_insert(Topic, topics)
    for event in events:
        event.topic_id = event.topic.pk
    objects_insert(TopicEvent, events)
    for row in [*options, *tasks]:
        row.topic_id = row.topic.pk
    objects_insert(Option, options)
    objects_insert(Task, tasks)
    return {"deliberation meetings": len(meetings), "deliberation topics": len(topics), "follow-through tasks": len(tasks)}


def _meetings(rng, clock: OfficeClock, communities, cadres) -> list[Meeting]:
    """A three-party meeting most months (the current one only in some communities, so the reminder has work) and a residents' council every two months."""
    meetings = []
    for community in communities:
        for back in range(MONTHS):
            first = month_start(month_start(clock.today) - dt.timedelta(days=30 * back))
            held = clock.working_day(min(first + dt.timedelta(days=rng.randint(9, 20)), clock.today))
            if held < first or (back == 0 and rng.random() < 0.4) or rng.random() < 0.1:
                continue
            recorded_by = cadres.get(community.pk)
            if recorded_by is None:
                continue
            created = clock.moment_on(held)
            meetings.append(
                Meeting(community=community, kind=Meeting.Kind.THREE_PARTY, held_on=held, place=rng.choice(PLACES), summary="物业、业委会、居委会三方通报本月问题并商定处理办法。",
                        recorded_by_id=recorded_by, created_at=created)
            )  # fmt: skip
            if back % 2 == 1:
                meetings.append(
                    Meeting(
                        community=community, kind=Meeting.Kind.RESIDENTS, held_on=held, place=rng.choice(PLACES), recorded_by_id=recorded_by, created_at=created
                    )
                )
    return meetings


def _topics(rng, clock: OfficeClock, communities, cadres, units, requests, councils):
    """Six topics a community walked to their end state, each step's history row after the one before."""
    topics, events, options, tasks = [], [], [], []
    for community in communities:
        raiser = cadres.get(community.pk)
        held = sorted(councils.get(community.pk, []), key=lambda meeting: meeting.held_on)
        if raiser is None or not held:
            continue
        for index, (title, description, texts) in enumerate(TOPICS):
            end = ENDS[index]
            meeting = held[0] if end in (Status.DONE, Status.FOLLOWING) else held[-1]
            raised = clock.moment_on(meeting.held_on - dt.timedelta(days=rng.randint(7, 20)))
            source = [Topic.Source.REQUEST, Topic.Source.UNIT, Topic.Source.CADRE][index % 3]
            topic = Topic(
                community=community, title=title, description=description, source=source, raised_by_id=raiser, status=end, created_at=raised,
                request_id=requests.get(community.pk) if source == Topic.Source.REQUEST else None, unit_id=units.get(community.pk) if source == Topic.Source.UNIT else None,
            )  # fmt: skip
            if source != Topic.Source.CADRE and topic.request_id is None and topic.unit_id is None:
                topic.source = Topic.Source.CADRE
            topics.append(topic)
            steps = [(Status.PROPOSED, raised, "")]
            if end == Status.DROPPED:
                topic.drop_reason = "问题已由物业公司自行解决，无需再议。"
                steps.append((Status.DROPPED, raised + dt.timedelta(days=3), topic.drop_reason))
            if end in (Status.SCHEDULED, Status.DECIDED, Status.FOLLOWING, Status.DONE):
                topic.meeting = meeting
                steps.append((Status.SCHEDULED, raised + dt.timedelta(days=1), str(meeting.held_on)))
                for position, text in enumerate(texts):
                    votes = (
                        (rng.randint(20, 40), rng.randint(0, 8), rng.randint(0, 5))
                        if position == 0
                        else (rng.randint(2, 12), rng.randint(5, 15), rng.randint(0, 5))
                    )
                    votes = votes if end != Status.SCHEDULED else (0, 0, 0)
                    options.append(
                        Option(
                            topic=topic,
                            text=text,
                            votes_for=votes[0],
                            votes_against=votes[1],
                            votes_abstain=votes[2],
                            adopted=end != Status.SCHEDULED and position == 0,
                        )
                    )
            if end in (Status.DECIDED, Status.FOLLOWING, Status.DONE):
                decided = clock.moment_on(meeting.held_on)
                topic.outcome, topic.decision, topic.decided_at, topic.published_at = Topic.Outcome.VOTE, texts[0], decided, decided + dt.timedelta(days=1)
                steps.append((Status.DECIDED, decided, texts[0]))
            if end in (Status.FOLLOWING, Status.DONE):
                steps.append((Status.FOLLOWING, decided + dt.timedelta(days=1), TASKS[0]))
                for number, task_title in enumerate(TASKS[: 2 + index]):
                    due = meeting.held_on + dt.timedelta(days=14 * (number + 1))
                    done = end == Status.DONE or (number == 0 and due < clock.today)
                    tasks.append(
                        Task(topic=topic, title=task_title, responsible=person_name(rng), due_on=due, created_at=decided + dt.timedelta(days=1),
                             status=Task.Status.DONE if done else Task.Status.OPEN, result="已完成并向居民公示" if done else "",
                             done_on=min(due - dt.timedelta(days=rng.randint(-3, 5)), clock.today) if done else None)
                    )  # fmt: skip
                if end == Status.DONE:
                    steps.append((Status.DONE, timezone_max(steps[-1][1], clock, meeting.held_on + dt.timedelta(days=30)), "全部落实任务已完成"))
            events += [
                TopicEvent(topic=topic, actor_id=raiser, from_status=(steps[i - 1][0] if i else ""), to_status=status, at=at, note=note)
                for i, (status, at, note) in enumerate(steps)
            ]
    return topics, events, options, tasks


def timezone_max(after: dt.datetime, clock: OfficeClock, day: dt.date) -> dt.datetime:
    """A moment on `day` (not in the future), never before `after`."""
    return max(after + dt.timedelta(minutes=5), clock.moment_on(min(day, clock.today)))
