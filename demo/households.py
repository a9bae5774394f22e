"""Demo ledger on top of the demo district: ten households a building, about 2.5 residents each, the
key-care groups (重点人群) in realistic shares, and a year of visits (weekly for key-care households).

At district scale that is 100,000 households, about 250,000 residents and some 1,150,000 visits,
bulk-inserted with precomputed encrypted, hashed and masked columns.
"""

import datetime as dt
import random

from django.utils import timezone

from core.idcard import check_char
from core.personal_data import id_number_fields, phone_fields
from demo.clock import VISIT_WINDOWS
from demo.copy import ids_reserve, objects_insert, rows_insert
from demo.names import mobile, person_name
from governance.models import Membership
from governance.roles import Role
from households.care_tags import default_tags_ensure
from households.models import CareTag, Household, HouseholdTag, Resident, ResidentTag, Visit
from households.services import DEFAULT_CADENCE_DAYS

HOUSEHOLDS_PER_BUILDING = 10
VISIT_COLUMNS = ("household_id", "grid_id", "visitor_id", "visited_at", "created_at", "method", "findings", "needs")
EMPLOYERS = ["区人民医院", "长安区第一中学", "市供电公司", "区市场监督管理局", "石家庄百货大楼", "市公交公司", "区税务局"]
FINDINGS = ["身体状况良好，生活能自理", "老人血压偏高，已提醒按时服药", "家中暖气不热，已记录", "子女每周回来探望", "独自在家，情绪稳定", "询问了低保复审材料"]
NEEDS = ["楼道灯不亮，希望维修", "希望安排助餐服务", "需要代购药品", "咨询高龄津贴办理", ""]


class LedgerSeeder:
    def __init__(self, district_seeder, *, buildings):
        self.rng: random.Random = district_seeder.rng
        self.phones: set[str] = district_seeder.phones
        self.orders: dict[tuple[dt.date, str], int] = {}
        self.buildings = buildings
        self.clock = district_seeder.clock
        self.code = district_seeder.where.code
        self.today = self.clock.today
        # A flushed test database has lost the migration's tags; the demo needs them back.
        default_tags_ensure(CareTag)
        self.tags = {tag.code: tag for tag in CareTag.objects.all()}

    def id_number(self, birth: dt.date, sex: str) -> str:
        # The order code counts up per birth date and sex (odd for men), so numbers never repeat.
        count = self.orders.get((birth, sex), 0)
        self.orders[(birth, sex)] = count + 1
        body = f"{self.code}{birth:%Y%m%d}{count * 2 + (1 if sex == Resident.Sex.MALE else 0):03d}"
        return body + check_char(body)

    def birth_date(self, min_age: int, max_age: int) -> dt.date:
        age_days = self.rng.randint(min_age * 365, max_age * 365 + 364)
        return self.today - dt.timedelta(days=age_days)

    def run(self) -> dict:
        households, members, household_tags = self._households()
        for household, pk in zip(households, ids_reserve(Household, len(households)), strict=True):
            household.pk = household.id = pk
        residents = [(resident, codes) for people in members for resident, codes in people]
        for (resident, _codes), pk in zip(residents, ids_reserve(Resident, len(residents)), strict=True):
            resident.pk = resident.id = pk
        for household, people in zip(households, members, strict=True):
            for resident, _codes in people:
                resident.household_id = household.pk
            # The first member is the head (foreign keys are checked at commit, so the order of writing does not matter).
            household.head_id = people[0][0].pk
        # Visits first: they set each household's last visit and next due date, so households are written once.
        visits = self._visits(households)
        objects_insert(Household, households)
        objects_insert(Resident, [resident for resident, _ in residents])
        objects_insert(ResidentTag, [ResidentTag(resident_id=resident.pk, tag=self.tags[code]) for resident, codes in residents for code in codes])
        objects_insert(HouseholdTag, [HouseholdTag(household_id=households[index].pk, tag=self.tags[code]) for index, code in household_tags])
        visit_count = rows_insert(Visit, VISIT_COLUMNS, visits)
        return {"households": len(households), "residents": len(residents), "visits": visit_count}

    def _households(self):
        rng = self.rng
        households, members, household_tags = [], [], []
        for building in self.buildings:
            rooms = [(unit, floor, index) for unit in range(1, building.units + 1) for floor in range(1, building.floors + 1) for index in (1, 2)]
            for unit, floor, index in rng.sample(rooms, min(HOUSEHOLDS_PER_BUILDING, len(rooms))):
                phone = mobile(rng, self.phones)
                household = Household(
                    building_id=building.pk,
                    grid_id=building.grid_id,
                    unit=unit,
                    floor=floor,
                    room=f"{floor}0{index}",
                    **phone_fields(phone),
                    tenure=rng.choices(list(Household.Tenure), weights=[75, 22, 3])[0],
                    residence=rng.choices(list(Household.Residence), weights=[80, 15, 5])[0],
                    is_party_household=rng.random() < 0.12,
                    moved_in_on=self.today - dt.timedelta(days=rng.randint(400, 12000)),
                )
                people, tag_codes = self._members(rng)
                for code in tag_codes["household"]:
                    household_tags.append((len(households), code))
                cadence = min((self.tags[code].visit_cadence_days for code in tag_codes["all"] if self.tags[code].key_care), default=None)
                household.key_care = cadence is not None
                household.visit_cadence_days = cadence or DEFAULT_CADENCE_DAYS
                households.append(household)
                members.append(people)
        return households, members, household_tags

    def _members(self, rng):
        """A household's people: an elderly couple, a single elder, a family with children, or a young couple."""
        shape = rng.choices(["elder_single", "elder_couple", "family", "couple", "single"], weights=[5, 10, 48, 22, 15])[0]
        ages = {
            "elder_single": [(75, 95)],
            "elder_couple": [(65, 92), (63, 90)],
            "family": [(35, 55), (33, 53), (3, 20)],
            "couple": [(24, 45), (24, 45)],
            "single": [(22, 60)],
        }[shape]
        if shape == "family" and rng.random() < 0.4:
            ages.append((1, 14))
        if shape == "family" and rng.random() < 0.2:
            ages.append((62, 85))
        people, household_codes, all_codes = [], [], set()
        surname = person_name(rng)[0]
        for index, (low, high) in enumerate(ages):
            birth = self.birth_date(low, high)
            sex = rng.choice([Resident.Sex.MALE, Resident.Sex.FEMALE]) if index != 1 else Resident.Sex.FEMALE
            number = self.id_number(birth, sex)
            age = (self.today - birth).days // 365
            phone = mobile(rng, self.phones) if age >= 16 else ""
            if index == 0:
                relation = Resident.Relation.HEAD
            elif index == 1:
                relation = Resident.Relation.SPOUSE
            else:
                relation = Resident.Relation.CHILD if age < 30 else Resident.Relation.PARENT
            codes = []
            if age >= 80:
                codes.append("elderly_80")
            if age >= 60 and rng.random() < 0.015:
                codes.append("bedridden")
            if rng.random() < 0.008:
                codes.append("disabled")
            if age < 14 and rng.random() < 0.05:
                codes.append("left_behind_child")
            if age >= 60:
                employment = Resident.Employment.RETIRED
            elif age < 6:
                employment = Resident.Employment.PRESCHOOL
            elif age < 22:
                employment = Resident.Employment.STUDENT
            else:
                employment = rng.choice(
                    [Resident.Employment.EMPLOYED, Resident.Employment.EMPLOYED, Resident.Employment.SELF_EMPLOYED, Resident.Employment.UNEMPLOYED]
                )
            is_party = age >= 20 and rng.random() < 0.1
            if is_party and age >= 70 and rng.random() < 0.5:
                codes.append("old_party_member")
            all_codes.update(codes)
            people.append(
                (
                    Resident(
                        name=person_name(rng) if index == 1 else surname + person_name(rng)[1:],
                        **id_number_fields(number),
                        sex=sex,
                        birth_date=birth,
                        **phone_fields(phone),
                        relation=relation,
                        employment=employment,
                        work_unit=rng.choice(EMPLOYERS) if employment == Resident.Employment.EMPLOYED else "",
                        health=Resident.Health.BEDRIDDEN
                        if "bedridden" in codes
                        else Resident.Health.CHRONIC
                        if age >= 65 and rng.random() < 0.4
                        else Resident.Health.HEALTHY,
                        disability="肢体残疾 三级" if "disabled" in codes else "",
                        is_party_member=is_party,
                        party_branch="社区第一党支部" if is_party else "",
                    ),
                    codes,
                )
            )
        if shape == "elder_single":
            household_codes.append("living_alone")
        if rng.random() < 0.03:
            household_codes.append("low_income")
        if rng.random() < 0.01:
            household_codes.append("entitled")
        if rng.random() < 0.004:
            household_codes.append("petitioner")
        all_codes.update(household_codes)
        return people, {"household": household_codes, "all": all_codes}

    def _visits(self, households) -> list[tuple]:
        """A year of visits in working hours on working days: weekly for key-care households (85% kept), about three a
        year for the others, each recorded on the phone a few minutes after the door closed."""
        rng, clock = self.rng, self.clock
        workers = dict(Membership.objects.filter(role=Role.GRID_WORKER, grid__in={h.grid_id for h in households}).values_list("grid_id", "user_id"))
        now = clock.now
        start = clock.today - dt.timedelta(days=365)
        methods, weights = [m.value for m in Visit.Method], [70, 20, 9, 1]
        rows = []
        for household in households:
            visitor = workers.get(household.grid_id)
            if visitor is None:
                continue
            if household.key_care:
                days = [start + dt.timedelta(days=7 * week + rng.randint(0, 4)) for week in range(53) if rng.random() < 0.85]
            else:
                days = [start + dt.timedelta(days=rng.randrange(365)) for _ in range(rng.choice([0, 1, 2, 3, 3, 4]))]
            times = sorted(moment for moment in (clock.moment_on(clock.working_day(day), VISIT_WINDOWS) for day in days) if moment < now)
            rows.extend(
                (
                    household.pk,
                    household.grid_id,
                    visitor,
                    moment,
                    moment + dt.timedelta(minutes=rng.randint(3, 40)),
                    rng.choices(methods, weights=weights)[0],
                    rng.choice(FINDINGS),
                    rng.choice(NEEDS),
                )
                for moment in times
            )
            if times:
                household.last_visited_at = times[-1]
                household.next_visit_due = timezone.localtime(times[-1]).date() + dt.timedelta(days=household.visit_cadence_days)
            else:
                household.next_visit_due = self.today
        return rows


def seed_ledger(district_seeder, *, buildings) -> dict:
    return LedgerSeeder(district_seeder, buildings=buildings).run()
