"""The small world every test reads, built from tests/factories.py once per session (each test rolls back its changes).

It holds, and tests may rely on exactly this (anything else a test needs, it builds itself with the factories):

- City 石家庄市 (130100), account `city1` (市委组织部), holding the district 长安区 only.
- District 长安区 (130102), account `district` (区委组织部), with two streets:
  - 建设北街街道 (130102001000), `street1`: 幸福社区 (`community1` secretary, `cc001` cadre) with grids 幸福第1网格 (`grid1`),
    幸福第2网格 (`grid2`) and 幸福第3网格 (`gw0003`); 和平社区 (`community2`) with 和平第1网格 (`grid3`) and 和平第2网格 (`gw0005`).
  - 青园街道 (130102002000), `street02`: 光明社区 (`cs003`) with 光明第1网格 (`gw0006`).
  - `volunteer1`, a volunteer of community1 (role at the community), confirmed in grid1's grid with 10 linked households.
- District 外区 (130104), in no city, with one street, community, grid and building; `outsider` is its community secretary.
- Every grid: BUILDINGS_PER_GRID buildings (numbers 1…), a central household in the odd-numbered ones, one part-time worker
  (`gp0001`… in grid order) and a building head in building 1 (`bh0001`…); every community: two resident units with a contact phone.
- grid1, grid2 and grid3: HOUSEHOLDS_PER_BUILDING active households a building, each with a head (ID number and phone);
  every second household also a spouse; each household visited 20 days ago, key-care ones again 3 days ago but for the
  first household of each of these grids, whose elderly (80+) head makes it key-care and overdue. Tags in grid1 besides:
  a living-alone household, a low-income household and a disabled resident. The other grids have one household a building.
  Phones the factories give start with 199; birth dates differ between residents.
- Requests (filed on the public form, walked through the workflow): grid1 one in each of submitted, accepted, dispatched,
  in progress, handled, closed (two), refused and long-term; grid2 and grid3 submitted, dispatched and closed.
- Volunteers: in community1 volunteer1, two more confirmed and one pending; in community2 two, in 光明社区 one. A reporting unit
  per community of street1. Per community of street1 a held activity (last month, two confirmed sign-ups with points) and an
  upcoming one; wishes published, claimed and confirmed in community1, published in community2; a service post with a
  confirmed claim, a gift with a redemption and a dual report in community1 (none of them volunteer1's).
- 包联: the district's duty for every community (visited recently in community1 only) and each street cadre's for the
  street's communities; a patrol ended yesterday in grid1.
- The duty list: departments 区民政局 and 区卫生健康局 of 长安区 and a district template of three duties (one of each kind),
  copied by street1 into community1's list; tasks in community1 one in each status (admitted against its first duty,
  pending, approved, refused), in community2 one pending.
- Services: community1 and community2 offer 居住证明开具 (A = the first grid's worker, B = the secretary) with a slot on
  today's weekday, and one appointment booked next week; 外区 offers one too.
- 议事协商: in community1 a topic decided by vote at a residents' council held yesterday, published, with one task due in
  a week (in follow-through), and a proposed topic; in community2 a decided topic, published. No three-party meeting anywhere.
- 社区工作者: files for community1's secretary (filed in the mentor pool) and grid1's worker (filed in the reserve pool),
  an active mentoring pair of the two with one day shadowed, and this month's trainees' exchange scheduled; none in other
  communities. The district's ladder and pool rules are empty (tests/cadres builds its own).
- Places: grids tile their community and each building has a point inside its grid (the demo's layout), the outlines above
  them up to the city are derived; 外区 has none.
- All accounts use PASSWORD; categories, care tags and points rules are the migrations' defaults.
"""

import datetime as dt
import random

from django.utils import timezone

from cadres.models import GrowthEntry, MentorPair, Pool, Post, RoutineMeeting
from demo.places import DemoLayout
from duties.lifecycle import TaskStatus
from duties.models import DutyKind, DutyTemplate
from duties.services import duty_list_copy
from governance.models import Community, District, ResidentUnit
from governance.roles import Role
from grids.models import Building, Grid
from grids.places import city_outlines_derive, outlines_derive
from households.care_tags import default_tags_ensure
from households.models import CareTag, Resident
from resident_requests.defaults import defaults_ensure
from resident_requests.lifecycle import Status
from resident_requests.models import Category
from tests import factories as f
from volunteers import services as volunteering
from volunteers.defaults import points_rules_ensure
from volunteers.models import PointsRule, Wish

PASSWORD = f.PASSWORD
DISTRICT_CODE = "130102"
CITY_CODE = "130100"
BUILDINGS_PER_GRID = 3
HOUSEHOLDS_PER_BUILDING = 4
# (street account, street name, [(community account, community name, [grid account, …]), …])
STREETS = [
    ("street1", "建设北街街道", [("community1", "幸福社区", ["grid1", "grid2", "gw0003"]), ("community2", "和平社区", ["grid3", "gw0005"])]),
    ("street02", "青园街道", [("cs003", "光明社区", ["gw0006"])]),
]
PERSONA_GRIDS = ("grid1", "grid2", "grid3")
GRID1_REQUESTS = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.HANDLED,
    Status.CLOSED,
    Status.CLOSED,
    Status.REFUSED,
    Status.LONG_TERM,
]
OTHER_REQUESTS = [Status.SUBMITTED, Status.DISPATCHED, Status.CLOSED]


def world_build() -> None:
    """Build the world unless it is there (a flushed database has lost it, and the migrations' defaults with it)."""
    if District.objects.filter(code=DISTRICT_CODE).exists():
        return
    # The migrations' rows (categories, time limits, the calendar, care tags, points rules) are gone after a flush only.
    if not Category.objects.exists():
        default_tags_ensure(CareTag)
        defaults_ensure()
        points_rules_ensure(PointsRule)
    city = f.CityFactory(name="石家庄市", code=CITY_CODE)
    f.UserFactory(username="city1", full_name="市委组织部", role=Role.CITY_ORG, node=city)
    district = f.DistrictFactory(name="长安区", code=DISTRICT_CODE, city=city)
    f.UserFactory(username="district", full_name="区委组织部", role=Role.DISTRICT_ORG, node=district)
    grids, communities, staff = {}, {}, {"gp": 0, "bh": 0}
    for street_index, (street_user, street_name, street_communities) in enumerate(STREETS, start=1):
        street = f.StreetFactory(district=district, name=street_name, code=f"{DISTRICT_CODE}{street_index:03d}000")
        f.UserFactory(username=street_user, role=Role.STREET_CADRE, node=street)
        for community_index, (secretary, community_name, grid_users) in enumerate(street_communities, start=1):
            community = f.CommunityFactory(street=street, name=community_name, code=f"{street.code[:9]}{community_index:03d}")
            communities[secretary] = community
            f.UserFactory(username=secretary, role=Role.COMMUNITY_SECRETARY, node=community)
            if secretary == "community1":
                f.UserFactory(username="cc001", role=Role.COMMUNITY_CADRE, node=community)
            f.ResidentUnitFactory(community=community)
            f.ResidentUnitFactory(community=community, name=f"{community_name.removesuffix('社区')}小学", kind=ResidentUnit.Kind.SCHOOL)
            for sequence, worker in enumerate(grid_users, start=1):
                grid = f.GridFactory(community=community, sequence=sequence)
                grids[worker] = grid
                _staff_grid(grid, worker, staff)
    _place(grids)
    _outside_district()
    volunteer1 = f.UserFactory(username="volunteer1", full_name="赵志愿", role=Role.VOLUNTEER, node=communities["community1"])
    for worker, grid in grids.items():
        _ledger(grid, persona=worker in PERSONA_GRIDS, tagged=worker == "grid1")
    for worker in PERSONA_GRIDS:
        for status in GRID1_REQUESTS if worker == "grid1" else OTHER_REQUESTS:
            household = grids[worker].households.order_by("id").first()
            f.ResidentRequestFactory(grid=grids[worker], building=household.building, household=household, status=status)
    _volunteers(communities, grids, volunteer1)
    _linkage(district, communities)
    _duties(district, communities)
    _deliberation(communities)
    f.PatrolFactory(grid=grids["grid1"])
    for community in [communities["community1"], communities["community2"], Community.objects.get(code="130104001001")]:
        f.booking_of(f.TimeSlotFactory(service=f.ServiceItemFactory(community=community, name="居住证明开具")))
    _cadres(communities["community1"], grids["grid1"])


def _cadres(community, grid) -> None:
    """Two files of community1, paired, with a growth-file line and a meeting on the calendar (plain rows, no audit)."""
    today = timezone.localdate()
    mentor = f.WorkerProfileFactory(user=f.staff_of(community, Role.COMMUNITY_SECRETARY), community=community, post=Post.SECRETARY)
    trainee = f.WorkerProfileFactory(user=f.worker_of(grid), community=community, grid=grid, post=Post.GRID_WORKER)
    f.pool_filed(mentor, Pool.MENTOR)
    f.pool_filed(trainee, Pool.RESERVE)
    pair = MentorPair.objects.create(
        mentor=mentor, trainee=trainee, community=community, mentor_chose=True, trainee_chose=True, status=MentorPair.Status.ACTIVE, started_on=today
    )
    GrowthEntry.objects.create(pair=pair, kind=GrowthEntry.Kind.DAILY, on=today, text="跟岗调解邻里纠纷", recorded_by=mentor.user)
    RoutineMeeting.objects.create(community=community, kind=RoutineMeeting.Kind.EXCHANGE, period=f"{today:%Y-%m}", scheduled_on=today)


def _place(grids: dict) -> None:
    """Grids tile their community and buildings stand inside their grid, laid out as the demo lays out a district."""
    layout = DemoLayout(streets=len(STREETS), communities_per_street=2, grids_per_community=3, buildings_per_grid=BUILDINGS_PER_GRID, rng=random.Random(7))
    streets = sorted({grid.street_id for grid in grids.values()})
    for grid in grids.values():
        fields = layout.grid_outline(street_index=streets.index(grid.street_id), community_index=int(grid.community.code[9:]) - 1, sequence=grid.sequence)
        Grid.objects.filter(pk=grid.pk).update(**fields)
        grid.refresh_from_db()
        for building in grid.buildings.all():
            Building.objects.filter(pk=building.pk).update(**layout.building_point(grid, building.number))
    district_ids = [next(iter(grids.values())).district_id]
    outlines_derive(district_ids=district_ids)
    city_outlines_derive(district_ids=district_ids)


def _staff_grid(grid, worker: str, staff: dict) -> None:
    f.UserFactory(username=worker, role=Role.GRID_WORKER, node=grid)
    staff["gp"] += 1
    f.UserFactory(username=f"gp{staff['gp']:04d}", role=Role.GRID_PART_TIME, node=grid)
    for number in range(1, BUILDINGS_PER_GRID + 1):
        building = f.BuildingFactory(grid=grid, number=number)
        if number % 2:
            f.CentralHouseholdFactory(building=building)
        if number == 1:
            staff["bh"] += 1
            f.UserFactory(username=f"bh{staff['bh']:04d}", role=Role.BUILDING_HEAD, node=building)


def _outside_district() -> None:
    """A second district with its own community secretary: the outsider has a real scope, elsewhere."""
    district = f.DistrictFactory(name="外区", code="130104")
    street = f.StreetFactory(district=district, name="外区街道", code="130104001000")
    community = f.CommunityFactory(street=street, name="外区社区", code="130104001001")
    grid = f.GridFactory(community=community, sequence=1, name="外区第1网格")
    f.BuildingFactory(grid=grid, number=1, name="外区1号楼")
    f.UserFactory(username="outsider", full_name="外区书记", role=Role.COMMUNITY_SECRETARY, node=community)


def _ledger(grid, *, persona: bool, tagged: bool) -> None:
    """Households with heads (and spouses), their care tags and visits; grid1 holds one of each tag tests filter by."""
    now = timezone.now()
    per_building = HOUSEHOLDS_PER_BUILDING if persona else 1
    index = 0
    for building in grid.buildings.order_by("number"):
        for room in range(1, per_building + 1):
            index += 1
            household_tags = {2: ["living_alone"], 3: ["low_income"]}.get(index, []) if tagged else []
            household = f.HouseholdFactory(building=building, unit=1 + room % 2, floor=room, room=f"{room}0{room % 2 + 1}", tags=household_tags)
            elderly = persona and index == 1
            head = {"birth": dt.date(1938, 3, 4) + dt.timedelta(days=grid.pk)} if elderly else {}
            f.ResidentFactory(household=household, name=f"{grid.name[:2]}户主{index}", tags=["elderly_80"] if elderly else [], **head)
            if index % 2 == 0:
                disabled = tagged and index == 4
                f.ResidentFactory(
                    household=household,
                    name=f"{grid.name[:2]}配偶{index}",
                    male=False,
                    relation=Resident.Relation.SPOUSE,
                    phone="",
                    disability="肢体残疾 三级" if disabled else "",
                    tags=["disabled"] if disabled else [],
                )
            f.VisitFactory(household=household, visited_at=now - dt.timedelta(days=20), needs="希望安排助餐服务" if index == 1 else "")
            household.refresh_from_db()
            # Key-care households are visited weekly; the first one of each grid is overdue.
            if household.key_care and index != 1:
                f.VisitFactory(household=household, visited_at=now - dt.timedelta(days=3), method="phone")


def _volunteers(communities: dict, grids: dict, volunteer1) -> None:
    community1, community2 = communities["community1"], communities["community2"]
    member = f.VolunteerFactory(community=community1, grid=grids["grid1"], name=volunteer1.full_name, phone=volunteer1.phone, user=volunteer1)
    cadre = f.cadre_of(community1)
    volunteering.links_set(actor=cadre, volunteer=member, households=list(grids["grid1"].households.order_by("id")[:10]))
    others = [f.VolunteerFactory(community=community1, grid=grids["grid2"], skills=["legal"]) for _ in range(2)]
    f.VolunteerFactory(community=community1, confirmed=False)
    in_community2 = [f.VolunteerFactory(community=community2, grid=grids["grid3"]) for _ in range(2)]
    f.VolunteerFactory(community=communities["cs003"])
    last_month = (timezone.now() - dt.timedelta(days=30)).replace(hour=9, minute=0, second=0, microsecond=0)
    for community, people in ((community1, [member, others[0]]), (community2, in_community2)):
        f.reporting_unit(community, name=f"{community.name.removesuffix('社区')}第1报到单位")
        held = f.ActivityFactory(community=community, starts_at=last_month, signup_closes_at=last_month - dt.timedelta(hours=2))
        f.activity_held(held, people)
        f.ActivityFactory(community=community, title="周末楼道清扫")
    f.WishFactory(community=community1)
    f.WishFactory(community=community1, content="希望有人帮忙换灯泡", claimed_by=others[0], status=Wish.Status.CLAIMED)
    f.WishFactory(community=community1, content="孩子需要一套学习用品", claimed_by=others[1], status=Wish.Status.CONFIRMED)
    f.WishFactory(community=community2)
    post = volunteering.post_publish(actor=cadre, community=community1, title="线上楼栋长", places=2)
    volunteering.post_claim_confirm(actor=cadre, claim=volunteering.post_claim(volunteer=others[0], post=post))
    merchant = community1.resident_units.order_by("id").first()
    gift = volunteering.gift_list(actor=cadre, merchant=merchant, name="洗衣液", points=10, stock=5)
    volunteering.gift_redeem(volunteer=others[0], gift=gift)
    today = timezone.localdate()
    volunteering.report_generate(actor=cadre, start=today.replace(month=1, day=1), end=today, volunteer=others[0])


def _deliberation(communities: dict) -> None:
    f.topic_walk(f.TopicFactory(community=communities["community1"], title="加装电梯意见征集"), to="following", published=True, tasks=1)
    f.TopicFactory(community=communities["community1"], title="小区停车位规划")
    f.topic_walk(f.TopicFactory(community=communities["community2"], title="和平社区物业费调整"), to="decided", published=True)


def _linkage(district, communities: dict) -> None:
    district_user = district.memberships.get(role=Role.DISTRICT_ORG).user
    for community in Community.objects.filter(district=district).order_by("code"):
        duty = f.LinkageDutyFactory(user=district_user, community=community, kind="district_leader")
        street_user = community.street.memberships.get(role=Role.STREET_CADRE).user
        f.LinkageDutyFactory(user=street_user, community=community, kind="street_leader")
        if community == communities["community1"]:
            f.LinkageRecordFactory(duty=duty)


def _duties(district, communities: dict) -> None:
    civil = f.DepartmentFactory(district=district, name="区民政局")
    f.DepartmentFactory(district=district, name="区卫生健康局")
    for kind, name, department in [
        (DutyKind.SELF_GOVERNANCE, "居民自治", None),
        (DutyKind.PERFORMANCE, "社区党建工作", None),
        (DutyKind.ASSISTANCE, "人口信息采集协助", civil),
    ]:
        DutyTemplate.objects.create(district=district, kind=kind, name=name, department=department)
    community1 = communities["community1"]
    duty_list_copy(actor=f.staff_of(community1.street, Role.STREET_CADRE), community=community1)
    first = community1.duties.order_by("id").first()
    for status in (TaskStatus.ADMITTED, TaskStatus.PENDING, TaskStatus.APPROVED, TaskStatus.REFUSED):
        f.incoming_task(community1, status=status, department=civil, duty=first)
    f.incoming_task(communities["community2"], department=civil)
