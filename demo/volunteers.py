"""Demo volunteers: a reporting unit or two per community, about 20 volunteers a community (10,000 at
district scale), their 1+10 links, a year of activities with confirmed hours and the ledger entries.
volunteer1 gets a confirmed profile in grid1's grid."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from core.personal_data import phone_fields
from demo.names import mobile, person_name
from governance.models import Community, Membership, User
from households.models import Household
from volunteers.defaults import points_rules_ensure
from volunteers.models import Activity, HouseholdLink, PointsEntry, PointsRule, ReportingUnit, ReviewStatus, Signup, Skill, Volunteer, Wish
from volunteers.uscc import ALPHABET, uscc_check_char

BATCH = 5000
ACTIVITY_TITLES = ["楼道清扫", "义诊进社区", "政策宣讲", "关爱独居老人", "垃圾分类宣传", "法律咨询", "儿童四点半课堂", "家电义务维修"]


def seed_volunteers(district_seeder, *, buildings) -> dict:
    points_rules_ensure(PointsRule)
    rng: random.Random = district_seeder.rng
    grids_by_community: dict[int, list[int]] = {}
    for building in buildings:
        grids_by_community.setdefault(building.grid.community_id, [])
        if building.grid_id not in grids_by_community[building.grid.community_id]:
            grids_by_community[building.grid.community_id].append(building.grid_id)
    communities = list(Community.objects.filter(pk__in=grids_by_community))
    per_community = max(10, 10000 // max(len(communities), 1)) if len(communities) >= 50 else 10
    cadre = User.objects.get(username="district")
    units, volunteers = [], []
    for community in communities:
        for index in range(2 if community.pk % 5 == 0 else 1):
            body = "".join(rng.choice(ALPHABET) for _ in range(17))
            units.append(
                ReportingUnit(
                    community=community,
                    name=f"{community.name.removesuffix('社区')}第{index + 1}报到单位",
                    credit_code=body + uscc_check_char(body),
                    party_org_name="机关党支部",
                    contact_name=person_name(rng),
                    contact_phone=mobile(rng, district_seeder.phones),
                    resources="会议室、志愿服务队",
                    status=ReviewStatus.CONFIRMED,
                )
            )
        for _ in range(per_community):
            phone = mobile(rng, district_seeder.phones)
            volunteers.append(
                Volunteer(
                    community=community, grid_id=rng.choice(grids_by_community[community.pk]), name=person_name(rng),
                    **phone_fields(phone), is_party_member=rng.random() < 0.7,
                    skills=sorted(rng.sample(Skill.values, rng.randint(1, 2))), status=ReviewStatus.CONFIRMED if rng.random() < 0.95 else ReviewStatus.PENDING,
                )
            )  # fmt: skip
    ReportingUnit.objects.bulk_create(units, batch_size=BATCH)
    mine = Membership.objects.get(user__username="volunteer1", role="volunteer")
    grid1 = Membership.objects.get(user__username="grid1").grid_id
    volunteer1 = Volunteer(
        user=mine.user,
        community_id=mine.community_id,
        grid_id=grid1,
        name=mine.user.full_name,
        **phone_fields(mine.user.phone),
        skills=["repairs"],
        status=ReviewStatus.CONFIRMED,
    )
    volunteers.append(volunteer1)
    Volunteer.objects.bulk_create(volunteers, batch_size=BATCH)
    _links(rng, volunteers, cadre)
    entries = _activities(rng, communities, volunteers, cadre)
    wishes = _wishes(rng, communities, volunteers)
    return {"volunteers": len(volunteers), "reporting units": len(units), "ledger entries": entries, "wishes": wishes}


WISHES = ["想要一副老花镜", "希望有人帮忙换灯泡", "孩子需要一套学习用品", "希望有人陪同去医院复查", "想学用智能手机挂号"]


def _wishes(rng, communities, volunteers) -> int:
    """A few wishes per community in every state: published, claimed, confirmed."""
    now = timezone.now()
    by_community: dict[int, list[Volunteer]] = {}
    for volunteer in volunteers:
        if volunteer.status == ReviewStatus.CONFIRMED:
            by_community.setdefault(volunteer.community_id, []).append(volunteer)
    wishes = []
    for community in communities:
        for index, content in enumerate(WISHES):
            published = now - dt.timedelta(days=rng.randint(1, 60))
            claimer = rng.choice(by_community[community.pk]) if index % 2 and by_community.get(community.pk) else None
            status = Wish.Status.CONFIRMED if claimer and index == 1 else Wish.Status.CLAIMED if claimer else Wish.Status.PUBLISHED
            wishes.append(
                Wish(
                    community=community,
                    resident_name=person_name(rng),
                    content=content,
                    status=status,
                    published_at=published,
                    claimed_by=claimer,
                    claimed_at=published if claimer else None,
                )
            )
    Wish.objects.bulk_create(wishes, batch_size=BATCH)
    return len(wishes)


def _links(rng, volunteers, cadre) -> None:
    """About ten free households of the member's grid for each confirmed party member."""
    free: dict[int, list[int]] = {}
    for pk, grid_id in Household.objects.filter(status="active").values_list("pk", "grid_id"):
        free.setdefault(grid_id, []).append(pk)
    links = []
    for volunteer in volunteers:
        if volunteer.status != ReviewStatus.CONFIRMED or (not volunteer.is_party_member and volunteer.user_id is None):
            continue
        pool = free.get(volunteer.grid_id, [])
        take, free[volunteer.grid_id] = pool[:10], pool[10:]
        links += [HouseholdLink(volunteer=volunteer, household_id=pk, created_by=cadre) for pk in take]
    HouseholdLink.objects.bulk_create(links, batch_size=BATCH)


def _activities(rng, communities, volunteers, cadre) -> int:
    """Two activities a month per community over the past year, each with confirmed sign-ups and their points."""
    now = timezone.now()
    by_community: dict[int, list[Volunteer]] = {}
    for volunteer in volunteers:
        if volunteer.status == ReviewStatus.CONFIRMED:
            by_community.setdefault(volunteer.community_id, []).append(volunteer)
    activities = []
    for community in communities:
        for month in range(12):
            for half in (0, 1):
                start = (now - dt.timedelta(days=30 * month + 15 * half)).replace(hour=9, minute=0, second=0, microsecond=0)
                activities.append(
                    Activity(
                        community=community,
                        title=rng.choice(ACTIVITY_TITLES),
                        place=f"{community.name}党群服务中心",
                        starts_at=start,
                        ends_at=start + dt.timedelta(hours=2),
                        places=10,
                        signup_closes_at=start - dt.timedelta(hours=2),
                        created_by=cadre,
                    )
                )
        upcoming = (now + dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
        activities.append(
            Activity(
                community=community,
                title="周末楼道清扫",
                place=f"{community.name}党群服务中心",
                starts_at=upcoming,
                ends_at=upcoming + dt.timedelta(hours=2),
                places=20,
                signup_closes_at=upcoming - dt.timedelta(hours=2),
                created_by=cadre,
            )
        )
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    signups = []
    for activity in activities:
        if activity.starts_at > now:
            continue
        for volunteer in rng.sample(by_community.get(activity.community_id, []), min(6, len(by_community.get(activity.community_id, [])))):
            signups.append(
                Signup(
                    activity=activity,
                    volunteer=volunteer,
                    status=Signup.Status.CONFIRMED,
                    checked_in_at=activity.starts_at,
                    checked_out_at=activity.ends_at,
                    hours=Decimal("2.00"),
                )
            )
    Signup.objects.bulk_create(signups, batch_size=BATCH)
    entries = [
        PointsEntry(
            volunteer=s.volunteer, kind=PointsEntry.Kind.ACTIVITY, hours=s.hours, points=Decimal("20.0"), note=s.activity.title, signup=s, created_by=cadre
        )
        for s in signups
    ]
    PointsEntry.objects.bulk_create(entries, batch_size=BATCH)
    # A historical load: the entries carry the dates of the activities they pay for.
    for entry in entries:
        entry.created_at = entry.signup.activity.ends_at
    PointsEntry.objects.bulk_update(entries, ["created_at"], batch_size=BATCH)
    return len(entries)
