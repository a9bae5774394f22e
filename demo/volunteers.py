"""Demo volunteers: a reporting unit or two per community, about 20 volunteers a community (10,000 at
district scale), their 1+10 links, a year of activities with confirmed hours and the ledger entries.
volunteer1 gets a confirmed profile in grid1's grid."""

import datetime as dt
import random

from django.utils import timezone

from core.personal_data import phone_fields
from demo.clock import WAKING_WINDOWS, OfficeClock
from demo.copy import objects_insert
from demo.names import mobile, person_name
from governance.models import Community, Membership
from governance.roles import Role
from households.models import Household
from volunteers.defaults import points_rules_ensure
from volunteers.models import Activity, HouseholdLink, PointsEntry, PointsRule, ReportingUnit, ReviewStatus, Signup, Skill, Volunteer, Wish
from volunteers.services.activities import hours_of
from volunteers.services.points import points_for
from volunteers.uscc import ALPHABET, uscc_check_char

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
    cadre = district_seeder.account("district")
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
    objects_insert(ReportingUnit, units)
    mine = Membership.objects.get(user=district_seeder.account("volunteer1"), role="volunteer")
    grid1 = Membership.objects.get(user=district_seeder.account("grid1")).grid_id
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
    objects_insert(Volunteer, volunteers)
    _links(rng, volunteers, cadre)
    cadres = dict(Membership.objects.filter(role=Role.COMMUNITY_CADRE, community__in=communities).values_list("community_id", "user_id"))
    clock = district_seeder.clock
    entries = _activities(rng, clock, communities, volunteers, cadres)
    wishes = _wishes(rng, clock, communities, volunteers, cadres)
    return {"volunteers": len(volunteers), "reporting units": len(units), "ledger entries": entries, "wishes": wishes}


WISHES = ["想要一副老花镜", "希望有人帮忙换灯泡", "孩子需要一套学习用品", "希望有人陪同去医院复查", "想学用智能手机挂号"]


def _wishes(rng, clock: OfficeClock, communities, volunteers, cadres) -> int:
    """A few wishes per community in every state (published, claimed, confirmed), each step after the one before it;
    a confirmed wish has paid its volunteer the wish's points."""
    by_community: dict[int, list[Volunteer]] = {}
    for volunteer in volunteers:
        if volunteer.status == ReviewStatus.CONFIRMED:
            by_community.setdefault(volunteer.community_id, []).append(volunteer)
    wishes, entries = [], []
    for community in communities:
        for index, content in enumerate(WISHES):
            posted = clock.moment_on(clock.today - dt.timedelta(days=rng.randint(8, 60)), WAKING_WINDOWS)
            # The community reviews it in office hours and the volunteer claims it in their own time.
            published = clock.after(posted, rng.uniform(0.5, 7))
            claimer = rng.choice(by_community[community.pk]) if index % 2 and by_community.get(community.pk) else None
            wish = Wish(
                community=community, resident_name=person_name(rng), content=content, status=Wish.Status.PUBLISHED, created_at=posted,
                published_at=published,
            )  # fmt: skip
            if claimer:
                wish.status, wish.claimed_by, wish.claimed_at = Wish.Status.CLAIMED, claimer, published + dt.timedelta(hours=rng.uniform(2, 48))
            if claimer and index == 1:
                wish.status, wish.fulfilment_note = Wish.Status.CONFIRMED, "已上门送达"
                wish.fulfilled_at = wish.claimed_at + dt.timedelta(days=rng.uniform(1, 4))
                wish.confirmed_at = clock.after(wish.fulfilled_at, rng.uniform(0.5, 7))
                entries.append(
                    PointsEntry(
                        volunteer=claimer, kind=PointsEntry.Kind.WISH, points=points_for(PointsEntry.Kind.WISH), note=content[:60],
                        created_by_id=cadres.get(community.pk), created_at=wish.confirmed_at,
                    )
                )  # fmt: skip
            wishes.append(wish)
    objects_insert(Wish, wishes)
    objects_insert(PointsEntry, entries)
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
    objects_insert(HouseholdLink, links)


# Saturday and Sunday mornings, when volunteers are free; one activity in six falls on a weekday afternoon.
MORNING_STARTS = [dt.time(8, 30), dt.time(9, 0), dt.time(9, 30)]
WEEKDAY_START = dt.time(14, 30)
DURATIONS = [2, 2, 2.5, 3]


def _activities(rng, clock: OfficeClock, communities, volunteers, cadres) -> int:
    """Two activities a month per community over the past year, published a week or two ahead, each with six
    volunteers checked in and out on site, confirmed by the community's cadre with the rule's points; and one to come."""
    by_community: dict[int, list[Volunteer]] = {}
    for volunteer in volunteers:
        if volunteer.status == ReviewStatus.CONFIRMED:
            by_community.setdefault(volunteer.community_id, []).append(volunteer)

    def activity(community, title, day, start, hours, places) -> Activity:
        starts = timezone.make_aware(dt.datetime.combine(day, start))
        published = clock.moment_on(clock.working_day(day - dt.timedelta(days=rng.randint(5, 14))))
        return Activity(
            community=community, title=title, place=f"{community.name}党群服务中心", starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
            places=places, signup_closes_at=starts - dt.timedelta(hours=2), created_by_id=cadres[community.pk], created_at=published,
        )  # fmt: skip

    activities = []
    for community in communities:
        for month in range(12):
            for half in (0, 1):
                day = clock.today - dt.timedelta(days=30 * month + 15 * half + 1)
                if month % 3 == 2 and half:
                    activities.append(activity(community, rng.choice(ACTIVITY_TITLES), clock.working_day(day), WEEKDAY_START, 2, 10))
                else:
                    weekend = clock.weekend_day(day)
                    # Saturday or Sunday alike: the Sunday found first gives way to the day before it half the time.
                    weekend = clock.weekend_day(weekend - dt.timedelta(days=1)) if rng.random() < 0.5 else weekend
                    activities.append(activity(community, rng.choice(ACTIVITY_TITLES), weekend, rng.choice(MORNING_STARTS), rng.choice(DURATIONS), 10))
        activities.append(activity(community, "周末楼道清扫", clock.weekend_day(clock.today + dt.timedelta(days=7)), dt.time(9, 0), 2, 20))
    objects_insert(Activity, activities)
    signups = []
    for item in activities:
        if item.ends_at > clock.now:
            continue
        pool = by_community.get(item.community_id, [])
        for volunteer in rng.sample(pool, min(6, len(pool))):
            signed_up = item.created_at + (item.signup_closes_at - item.created_at) * rng.random()
            signup = Signup(
                activity=item, volunteer=volunteer, status=Signup.Status.CONFIRMED, created_at=signed_up,
                checked_in_at=item.starts_at - dt.timedelta(minutes=rng.randint(0, 15)), checked_out_at=item.ends_at + dt.timedelta(minutes=rng.randint(0, 10)),
            )  # fmt: skip
            signup.hours = hours_of(signup)
            signups.append(signup)
    objects_insert(Signup, signups)
    # The cadre confirms the hours at the office, on the next working morning after a weekend.
    points = {hours: points_for(PointsEntry.Kind.ACTIVITY, hours) for hours in {s.hours for s in signups}}
    entries = [
        PointsEntry(
            volunteer=s.volunteer, kind=PointsEntry.Kind.ACTIVITY, hours=s.hours, points=points[s.hours], note=s.activity.title, signup=s,
            created_by_id=s.activity.created_by_id, created_at=clock.after(s.activity.ends_at, rng.uniform(0.2, 3)),
        )
        for s in signups
    ]  # fmt: skip
    objects_insert(PointsEntry, entries)
    return len(entries)
