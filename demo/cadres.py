"""Demo community workers: a file for every community's secretary and cadre and every grid worker, the district's ladder
and pool rules, last year's scores, pool entries in every state, promotions under review, and one mentoring pair per
community with its plan, growth file and "四个一" meetings (one of them missed)."""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from cadres.mentoring import meeting_period
from cadres.models import (
    GradeStep,
    GrowthEntry,
    MentorPair,
    PlanMeasure,
    Pool,
    PoolCheck,
    PoolEntry,
    PoolEntryEvent,
    PoolRule,
    Post,
    Promotion,
    PromotionEvent,
    Review,
    RoutineMeeting,
    WorkerProfile,
    YearlyScore,
)
from core.idcard import check_char
from core.personal_data import id_number_fields, phone_fields
from demo.copy import objects_insert
from demo.names import mobile
from governance.models import Membership
from governance.roles import Role

POSTS = {Role.COMMUNITY_SECRETARY: Post.SECRETARY, Role.COMMUNITY_CADRE: Post.COMMITTEE, Role.GRID_WORKER: Post.GRID_WORKER}
RULES = [
    (Pool.MENTOR, "select", "社区“两委”正职或获得市级以上表彰"),
    (Pool.MENTOR, "select", "从事社区工作5年以上"),
    (Pool.RESERVE, "select", "年龄35周岁以下"),
    (Pool.RESERVE, "select", "大专以上学历"),
    (Pool.RESERVE, "select", "近两年考核称职以上"),
    (Pool.RESERVE, "exclude", "受过党纪政务处分"),
    (Pool.RESERVE, "exclude", "群众满意度测评排名末位"),
    (Pool.BRANCH_SECRETARY, "select", "中共党员，党龄3年以上"),
    (Pool.BRANCH_SECRETARY, "exclude", "信访诉求处理不力被通报"),
]
# The states the reserve entries of a community go through in turn, so that the pools show every one.
RESERVE_STATES = [Review.PROPOSED, Review.CHECKED, Review.REFUSED, Review.REMOVED, Review.APPROVED]
PATHS = {
    Review.PROPOSED: [Review.PROPOSED],
    Review.CHECKED: [Review.PROPOSED, Review.CHECKED],
    Review.APPROVED: [Review.PROPOSED, Review.CHECKED, Review.APPROVED],
    Review.REFUSED: [Review.PROPOSED, Review.REFUSED],
    Review.REMOVED: [Review.PROPOSED, Review.CHECKED, Review.APPROVED, Review.REMOVED],
}
MEASURES = ["每周跟岗两天，参与入户走访", "共同调解一起矛盾纠纷", "列席社区“两委”会议并发言", "独立组织一次居民议事"]
GROWTH = {
    GrowthEntry.Kind.DAILY: ["跟岗走访重点人群", "跟岗受理居民诉求", "跟岗参加网格巡查"],
    GrowthEntry.Kind.HARD_TASK: ["协调解决老旧小区漏水", "化解邻里停车纠纷"],
    GrowthEntry.Kind.TALK: ["导师谈心：如何做好群众工作"],
}


def _id_number(rng: random.Random, code: str) -> str:
    first17 = f"{code}{1975 + rng.randrange(25)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randrange(1000):03d}"
    return first17 + check_char(first17)


def seed_cadres(district_seeder, *, buildings) -> dict:
    # Its own random stream: the data seeded before it stays as it was.
    rng = random.Random(14 + 1000 * district_seeder.where.index)
    today = timezone.localdate()
    district = district_seeder.district
    staff = list(
        Membership.objects.filter(
            Q(community__district=district, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]) | Q(grid__district=district, role=Role.GRID_WORKER)
        )
        .order_by("pk")
        .values_list("user_id", "role", "community_id", "grid_id", "grid__community_id")
    )
    profiles = objects_insert(
        WorkerProfile,
        [
            WorkerProfile(
                user_id=user_id,
                community_id=community_id or grid_community_id,
                grid_id=grid_id,
                post=POSTS[role],
                grade=rng.randint(1, 3),
                entry_date=today - dt.timedelta(days=rng.randint(400, 4000)),
                exam_record=f"{today.year - rng.randint(2, 10)}年社区工作者考聘，笔试{rng.randint(70, 92)}分",
                vetting=WorkerProfile.Vetting.PASSED if rng.random() < 0.9 else WorkerProfile.Vetting.NOTED,
                vetted_on=today - dt.timedelta(days=rng.randint(400, 3000)),
                training_hours=Decimal(rng.randint(8, 80)),
                resources="调解矛盾纠纷\n群众工作方法" if role == Role.COMMUNITY_SECRETARY else "",
                needs="" if role == Role.COMMUNITY_SECRETARY else "学习做群众工作\n熟悉政策法规",
                **id_number_fields(_id_number(rng, district.code)),
                **phone_fields(mobile(rng, district_seeder.phones)),
            )
            for user_id, role, community_id, grid_id, grid_community_id in staff
        ],
    )
    objects_insert(YearlyScore, [YearlyScore(profile=p, year=today.year - 1, score=Decimal(rng.randint(700, 980)) / 10) for p in profiles])
    objects_insert(
        GradeStep,
        [
            GradeStep(
                district=district,
                post=post,
                grade=grade,
                pay_step=3200 + 300 * grade + (600 if post == Post.SECRETARY else 0),
                min_years=2,
                min_score=Decimal(80),
            )
            for post in Post.values
            for grade in range(2, 7)
        ],
    )
    rules = objects_insert(PoolRule, [PoolRule(district=district, pool=pool, kind=kind, text=text) for pool, kind, text in RULES])
    district_user = district_seeder.account("district")
    by_community: dict[int, list[WorkerProfile]] = {}
    for profile in profiles:
        by_community.setdefault(profile.community_id, []).append(profile)
    entries, pairs, meetings, promotions = [], [], [], []
    for index, (community_id, members) in enumerate(by_community.items()):
        secretary = next((p for p in members if p.post == Post.SECRETARY), None)
        workers = [p for p in members if p.post == Post.GRID_WORKER]
        if secretary is None or not workers:
            continue
        entries.append(PoolEntry(profile=secretary, pool=Pool.MENTOR, status=Review.APPROVED, reason="社区书记，经验丰富", proposed_by_id=secretary.user_id))
        # The first worker is always filed (the pair's trainee); the others take the states in turn across communities.
        for position, worker in enumerate(workers):
            state = RESERVE_STATES[(index + position) % len(RESERVE_STATES)] if position else Review.APPROVED
            entries.append(
                PoolEntry(
                    profile=worker,
                    pool=Pool.RESERVE,
                    status=state,
                    reason="年轻有为，群众认可",
                    proposed_by_id=secretary.user_id,
                    removed_reason="调离社区工作岗位" if state == Review.REMOVED else "",
                )
            )
        pairs.append(
            MentorPair(
                mentor=secretary,
                trainee=workers[0],
                community_id=community_id,
                mentor_chose=True,
                trainee_chose=True,
                status=MentorPair.Status.ACTIVE,
                started_on=today - dt.timedelta(days=60),
            )
        )
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        for kind, day, held in [
            (RoutineMeeting.Kind.EXCHANGE, last_month.replace(day=15), True),
            (RoutineMeeting.Kind.EXCHANGE, today + dt.timedelta(days=5) if today.day < 24 else today, False),
            (RoutineMeeting.Kind.SEMINAR, today - dt.timedelta(days=3), rng.random() < 0.5),
        ]:
            meetings.append(
                RoutineMeeting(
                    community_id=community_id,
                    kind=kind,
                    period=meeting_period(kind, day),
                    scheduled_on=day,
                    held_on=day if held else None,
                    minutes="学员交流跟岗体会，导师点评" if held else "",
                )
            )
        if len(workers) > 1:
            promotions.append(
                Promotion(
                    profile=workers[1],
                    from_grade=workers[1].grade,
                    to_grade=workers[1].grade + 1,
                    reason="连续两年考核优秀",
                    status=Review.CHECKED if community_id % 2 else Review.PROPOSED,
                    proposed_by_id=secretary.user_id,
                )
            )
    entries = objects_insert(PoolEntry, entries)
    active_rules = {pool: [r for r in rules if r.pool == pool] for pool in Pool.values}
    objects_insert(PoolCheck, [PoolCheck(entry=e, rule=r, kind=r.kind, text=r.text, satisfied=True) for e in entries for r in active_rules[e.pool]])
    objects_insert(
        PoolEntryEvent,
        [
            PoolEntryEvent(
                entry=e,
                from_status=path[i - 1] if i else "",
                to_status=step,
                actor_id=e.proposed_by_id if i == 0 else district_user.pk,
                note=e.removed_reason if step == Review.REMOVED else ("不符合条件" if step == Review.REFUSED else ""),
            )
            for e in entries
            for path in [PATHS[e.status]]
            for i, step in enumerate(path)
        ],
    )
    promotions = objects_insert(Promotion, promotions)
    objects_insert(
        PromotionEvent,
        [
            PromotionEvent(promotion=p, from_status=path[i - 1] if i else "", to_status=step, actor_id=p.proposed_by_id)
            for p in promotions
            for path in [PATHS[p.status]]
            for i, step in enumerate(path)
        ],
    )
    pairs = objects_insert(MentorPair, pairs)
    objects_insert(
        PlanMeasure,
        [
            PlanMeasure(pair=pair, text=text, due_on=today + dt.timedelta(days=30 * i), done_on=today - dt.timedelta(days=5) if i == 0 else None)
            for pair in pairs
            for i, text in enumerate(MEASURES)
        ],
    )
    growth = []
    for pair in pairs:
        for day in range(1, 57):
            on = today - dt.timedelta(days=day)
            if on.weekday() < 5 and rng.random() < 0.5:
                growth.append(
                    GrowthEntry(
                        pair=pair, kind=GrowthEntry.Kind.DAILY, on=on, text=rng.choice(GROWTH[GrowthEntry.Kind.DAILY]), recorded_by_id=pair.mentor.user_id
                    )
                )
        for kind in (GrowthEntry.Kind.HARD_TASK, GrowthEntry.Kind.HARD_TASK, GrowthEntry.Kind.TALK):
            growth.append(
                GrowthEntry(
                    pair=pair,
                    kind=kind,
                    on=today - dt.timedelta(days=rng.randint(1, 50)),
                    text=rng.choice(GROWTH[kind]),
                    solved=kind == GrowthEntry.Kind.HARD_TASK and rng.random() < 0.7,
                    recorded_by_id=pair.mentor.user_id,
                )
            )
    objects_insert(GrowthEntry, growth)
    objects_insert(RoutineMeeting, meetings)
    return {"worker_profiles": len(profiles), "pool_entries": len(entries), "mentor_pairs": len(pairs)}
