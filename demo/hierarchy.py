"""The demo district, in the demo city: deterministic, realistic names and codes, bulk-inserted.

small: 2 streets, 4 communities, 12 grids, 60 buildings. district: the scale of a real district
(8 streets, 50 communities, 500 grids, 10,000 buildings). demo/seed.py adds each app's data on top.
"""

import datetime as dt
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from demo.clock import OfficeClock
from demo.copy import objects_insert
from demo.names import mobile, person_name
from demo.places import DemoLayout
from governance.audit import audit_record
from governance.models import AuditEntry, City, Community, District, Membership, ResidentUnit, Street, User
from governance.roles import Role
from grids.models import Building, CentralHousehold, Grid
from grids.places import outlines_derive
from party_building.models import LinkageDuty, LinkageRecord

DISTRICT_CODE = "130102"
DISTRICT_NAME = "长安区"
CITY_CODE = "130100"
CITY_NAME = "石家庄市"


@dataclass(frozen=True)
class DemoDistrict:
    """One district of the demo: the first (长安区) has the demo accounts' plain names; each other one prefixes its
    accounts with its code and is laid out beside the first on the map."""

    code: str
    name: str
    index: int = 0

    @property
    def prefix(self) -> str:
        return f"{self.code}-" if self.index else ""


# 石家庄's districts and counties (国家统计局 division codes), the city the `city` scale seeds.
CITY_DISTRICTS = [
    DemoDistrict(code, name, index)
    for index, (code, name) in enumerate(
        [
            ("130102", "长安区"),
            ("130104", "桥西区"),
            ("130105", "新华区"),
            ("130107", "井陉矿区"),
            ("130108", "裕华区"),
            ("130109", "藁城区"),
            ("130110", "鹿泉区"),
            ("130111", "栾城区"),
            ("130121", "井陉县"),
            ("130123", "正定县"),
        ]
    )
]


@dataclass(frozen=True)
class Scale:
    streets: int
    communities: int
    grids_per_community: int
    buildings_per_grid: int


SCALES = {
    "small": Scale(streets=2, communities=4, grids_per_community=3, buildings_per_grid=5),
    "district": Scale(streets=8, communities=50, grids_per_community=10, buildings_per_grid=20),
}

STREET_NAMES = ["建设北街街道", "青园街道", "广安街道", "育才街道", "峰峰路街道", "谈固街道", "跃进街道", "中山东路街道", "西兴街道", "高营镇"]
COMMUNITY_PREFIXES = [
    "幸福",
    "和平",
    "光明",
    "阳光",
    "东风",
    "胜利",
    "友谊",
    "建华",
    "育英",
    "民生",
    "安居",
    "康乐",
    "翠屏",
    "金桥",
    "长丰",
    "青园",
    "广安",
    "丰收",
    "花园",
    "朝阳",
    "红旗",
    "新华",
    "富强",
    "振兴",
    "锦绣",
    "和谐",
    "文明",
    "明珠",
    "春晖",
    "秀水",
]
COMMUNITY_SUFFIXES = ["", "东", "西", "南", "北"]
ESTATE_SUFFIXES = ["小区", "家园", "花苑", "里", "公寓", "新村"]
UNIT_TEMPLATES = [
    ("{s}街道社区卫生服务中心", ResidentUnit.Kind.HOSPITAL, "党支部"),
    ("{c}小学", ResidentUnit.Kind.SCHOOL, "党支部"),
    ("{c}物业服务有限公司", ResidentUnit.Kind.PROPERTY, ""),
    ("区住房和城乡建设局", ResidentUnit.Kind.AGENCY, "机关党委"),
    ("{c}供电营业所", ResidentUnit.Kind.COMPANY, "党支部"),
]

# Where each district of the city lies on the map, in district widths and heights from the first.
DISTRICT_SLOTS = [(0, 0), (1, 0), (-1, 0), (2, 0), (-2, 0), (0, 1), (1, 1), (-1, 1), (2, 1), (-2, 1)]

# Demo accounts, the same in both scales (README lists them).
DEMO_ACCOUNTS = ["city1", "district", "street1", "community1", "community2", "grid1", "grid2", "grid3", "volunteer1"]


class DemoSeeder:
    def __init__(self, *, scale: str, password: str, seed: int, log=print, where: DemoDistrict = CITY_DISTRICTS[0]):
        self.scale = SCALES[scale]
        self.where = where
        self.password_hash = make_password(password)
        # Each district draws its own streams; the first one's are those of the single-district demo.
        self.rng = random.Random(seed + 1000 * where.index)
        # Places draw from their own stream, so that the names and figures seeded before them stay as they were.
        self.places_rng = random.Random(seed + 1 + 1000 * where.index)
        self.log = log
        self.phones: set[str] = set(User.objects.exclude(phone=None).values_list("phone", flat=True))

    @cached_property
    def clock(self) -> OfficeClock:
        """One clock for every seeder: the same "now" and calendar, read once."""
        return OfficeClock(self.rng)

    def user(self, username: str, full_name: str | None = None) -> User:
        # Districts seeded side by side cannot see each other's accounts: each draws mobile numbers from its own block.
        phone = mobile(self.rng, self.phones, block=self.where.index if self.where.index else None)
        return User(username=self.where.prefix + username, full_name=full_name or person_name(self.rng), phone=phone, password=self.password_hash)

    def account(self, username: str) -> User:
        """A demo account of this district, by its name in the first district."""
        return User.objects.get(username=self.where.prefix + username)

    @transaction.atomic
    def run(self, *, later: Sequence[Callable[..., dict]]) -> dict:
        scale = self.scale
        where = self.where
        # The city may be there already (seeded with its other districts); the district joins it.
        city, _created = City.objects.get_or_create(code=CITY_CODE, defaults={"name": CITY_NAME, "party_org_name": "中共石家庄市委员会"})
        district = self.district = District.objects.create(city=city, name=where.name, code=where.code, party_org_name=f"中共{where.name}委员会")
        streets = objects_insert(
            Street,
            [
                Street(
                    district=district,
                    name=STREET_NAMES[i],
                    code=f"{where.code}{i + 1:03d}000",
                    kind=Street.Kind.TOWN if STREET_NAMES[i].endswith("镇") else Street.Kind.STREET,
                    party_org_name=f"{STREET_NAMES[i].removesuffix('街道').removesuffix('镇')}{'镇党委' if STREET_NAMES[i].endswith('镇') else '街道党工委'}",
                )
                for i in range(scale.streets)
            ],
        )
        names = [p + s for s in COMMUNITY_SUFFIXES for p in COMMUNITY_PREFIXES][: scale.communities]
        communities = []
        for index, name in enumerate(names):
            # Communities are dealt to streets in turn so that every street has its share.
            street = streets[index % len(streets)]
            sequence = index // len(streets) + 1
            kind = Community.PartyOrgKind.COMMITTEE if index % 3 else Community.PartyOrgKind.GENERAL_BRANCH
            communities.append(
                Community(
                    street=street,
                    district=district,
                    name=f"{name}社区",
                    code=f"{street.code[:9]}{sequence:03d}",
                    party_org_kind=kind,
                    party_org_name=f"{name}社区{'党委' if kind == Community.PartyOrgKind.COMMITTEE else '党总支'}",
                    address=f"{street.name.removesuffix('街道')}{name}路{self.rng.randint(1, 200)}号",
                    phone=f"0311-8{self.rng.randrange(10**6):06d}",
                )
            )
        communities.sort(key=lambda c: c.code)
        communities = objects_insert(Community, communities)
        layout = DemoLayout(
            streets=len(streets),
            communities_per_street=math.ceil(len(communities) / len(streets)),
            grids_per_community=scale.grids_per_community,
            buildings_per_grid=scale.buildings_per_grid,
            rng=self.places_rng,
            slot=DISTRICT_SLOTS[where.index],
        )
        street_index = {street.pk: index for index, street in enumerate(streets)}
        grids = objects_insert(
            Grid,
            [
                Grid(
                    community=community,
                    street_id=community.street_id,
                    district=district,
                    sequence=seq,
                    code=f"{community.code}{seq:03d}",
                    name=f"{community.name.removesuffix('社区')}第{seq}网格",
                    party_org_name=f"{community.name.removesuffix('社区')}第{seq}网格党支部",
                    boundary=f"{community.name.removesuffix('社区')}路以东、{self.rng.choice(COMMUNITY_PREFIXES)}街以北",
                    # The community's place in its street is its sequence, the last three digits of its code.
                    **layout.grid_outline(street_index=street_index[community.street_id], community_index=int(community.code[9:]) - 1, sequence=seq),
                )
                for community in communities
                for seq in range(1, scale.grids_per_community + 1)
            ],
        )
        buildings = []
        for grid in grids:
            estate = f"{grid.name[:2]}{self.rng.choice(ESTATE_SUFFIXES)}"
            for number in range(1, scale.buildings_per_grid + 1):
                buildings.append(
                    Building(
                        grid=grid,
                        number=number,
                        name=f"{estate}{number}号楼",
                        address=f"{grid.community.address}{estate}{number}号楼",
                        units=self.rng.choice([2, 3, 4]),
                        floors=self.rng.choice([6, 6, 7, 11, 18]),
                        party_org_name=f"{estate}{number}号楼党小组",
                        **layout.building_point(grid, number),
                    )
                )
        buildings = objects_insert(Building, buildings)
        outlines_derive(district_ids=[district.pk])
        objects_insert(
            CentralHousehold,
            (
                CentralHousehold(
                    building=building,
                    room=f"{self.rng.randint(1, building.units)}-{self.rng.randint(1, building.floors)}0{self.rng.randint(1, 2)}",
                    member_name=person_name(self.rng),
                    households_served=self.rng.choice([8, 10, 10, 12]),
                )
                for building in buildings
                if building.number % 2 == 1
            ),
        )
        units = []
        for community in communities:
            street = next(s for s in streets if s.pk == community.street_id)
            for template, kind, party in UNIT_TEMPLATES[: 2 + community.pk % 3]:
                name = template.format(s=street.name.removesuffix("街道").removesuffix("镇"), c=community.name.removesuffix("社区"))
                units.append(
                    ResidentUnit(
                        community=community,
                        name=name,
                        kind=kind,
                        party_org_name=f"{name}{party}" if party else "",
                        contact_name=person_name(self.rng),
                        contact_phone=mobile(self.rng, self.phones),
                    )
                )
        objects_insert(ResidentUnit, units)
        self._people(city, district, streets, communities, grids, buildings)
        # Each app's demo data goes on top of the district, in the given order, in the same transaction.
        extras = {key: value for seeder in later for key, value in seeder(self, buildings=buildings).items()}
        audit_record(
            actor=None,
            action=AuditEntry.Action.CREATE,
            instance=district,
            changes={"seed": [None, f"{len(streets)} streets, {len(communities)} communities, {len(grids)} grids, {len(buildings)} buildings"]},
        )
        return {"streets": len(streets), "communities": len(communities), "grids": len(grids), "buildings": len(buildings), **extras}

    def _people(self, city, district, streets, communities, grids, buildings) -> None:
        """Demo accounts first, then one holder for every other post so that no node is unstaffed."""
        users: list[User] = []
        grants: list[tuple[int, str, str, object]] = []

        def add(username, role, node, full_name=None):
            users.append(self.user(username, full_name))
            grants.append((len(users) - 1, role, node))

        # A city seeded before this district may have its organization department's account already.
        if not User.objects.filter(username="city1").exists():
            add("city1", Role.CITY_ORG, city, "市委组织部")
        add("district", Role.DISTRICT_ORG, district, f"{self.where.name}委组织部")
        for i, street in enumerate(streets, start=1):
            add(f"street{i}" if i == 1 else f"street{i:02d}", Role.STREET_CADRE, street)
        first_street = [c for c in communities if c.street_id == streets[0].pk]
        special_communities = {first_street[0].pk: "community1", first_street[1].pk: "community2"}
        for i, community in enumerate(communities, start=1):
            add(special_communities.get(community.pk, f"cs{i:03d}"), Role.COMMUNITY_SECRETARY, community)
            add(f"cc{i:03d}", Role.COMMUNITY_CADRE, community)
        community1_grids = [g for g in grids if g.community_id == first_street[0].pk]
        community2_grids = [g for g in grids if g.community_id == first_street[1].pk]
        special_grids = {community1_grids[0].pk: "grid1", community1_grids[1].pk: "grid2", community2_grids[0].pk: "grid3"}
        for i, grid in enumerate(grids, start=1):
            add(special_grids.get(grid.pk, f"gw{i:04d}"), Role.GRID_WORKER, grid)
            add(f"gp{i:04d}", Role.GRID_PART_TIME, grid)
        first_of_grid = {}
        for building in buildings:
            first_of_grid.setdefault(building.grid_id, building)
        for i, building in enumerate(first_of_grid.values(), start=1):
            add(f"bh{i:04d}", Role.BUILDING_HEAD, building)
        add("volunteer1", Role.VOLUNTEER, first_street[0])

        users = objects_insert(User, users)
        memberships = [Membership(user=users[index], role=role, **{node.LEVEL: node}) for index, role, node in grants]
        objects_insert(Membership, memberships)
        self._linkage(users, grants, communities)

    def _linkage(self, users, grants, communities) -> None:
        """包联: the district organization department for every community, each street cadre for the street's, with a few records."""
        district_user = next(users[index] for index, role, _node in grants if role == Role.DISTRICT_ORG)
        street_users = {node.pk: users[index] for index, role, node in grants if role == Role.STREET_CADRE}
        duties = [LinkageDuty(user=district_user, community=c, kind=LinkageDuty.Kind.DISTRICT_LEADER) for c in communities]
        duties += [
            LinkageDuty(user=street_users[c.street_id], community=c, kind=LinkageDuty.Kind.STREET_LEADER) for c in communities if c.street_id in street_users
        ]
        duties = objects_insert(LinkageDuty, duties)
        today = timezone.localdate()
        records = [
            LinkageRecord(
                community=duty.community,
                duty=duty,
                kind=LinkageRecord.Kind.VISIT,
                held_on=today - dt.timedelta(days=self.rng.randint(0, 20)),
                people=str(duty.user),
                topics="走访社区，了解为民服务情况",
                recorded_by=duty.user,
            )
            for duty in duties
            if self.rng.random() < 0.6
        ]
        objects_insert(LinkageRecord, records)
