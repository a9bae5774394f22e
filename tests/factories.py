"""factory-boy factories for the test world (tests/world.py) and for tests that need more than it holds.

Nodes, accounts and ledger rows are plain rows with what the services derive filled the same way: codes and ancestor
columns, personal data encrypted, hashed and masked by core.personal_data, care flags by households.services.care_refresh.
Requests and volunteer records, whose state matters, go through the app's own services (deadlines, timeline, points,
audit rows), acted by the grid's worker and the community's secretary.
"""

import datetime as dt
import itertools

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cadres.models import Pool, PoolEntry, Post, Review, WorkerProfile
from community_services.models import Booking, ServiceItem, TimeSlot
from community_services.services import booking_create
from core.idcard import check_char
from core.personal_data import id_number_fields, phone_fields
from deliberation import services as deliberating
from deliberation.lifecycle import Status as TopicStatus
from deliberation.models import Meeting, Topic, TopicEvent
from duties import services as duties
from duties.lifecycle import Decision, TaskStatus
from duties.models import Department, Duty, DutyKind, IncomingTask
from governance.models import City, Community, District, Membership, ResidentUnit, Street, User
from governance.roles import ROLE_LEVEL, Role
from grids.models import Building, CentralHousehold, Grid, Patrol
from households import services as ledger
from households.models import CareTag, Household, HouseholdTag, Resident, ResidentTag, Visit
from party_building.models import LinkageDuty, LinkageRecord
from resident_requests.lifecycle import Status
from resident_requests.models import Category, ResidentRequest, Urgency
from resident_requests.services.intake import request_submit
from resident_requests.services.workflow import (
    request_accept,
    request_answer,
    request_dispatch,
    request_follow_up,
    request_handle,
    request_long_term,
    request_progress,
    request_refuse,
    request_take,
    request_verify,
)
from volunteers import services as volunteering
from volunteers.models import Activity, PointsEntry, Signup, Volunteer, Wish
from volunteers.uscc import uscc_check_char

PASSWORD = "world-pass-2026"
ESTATES = ["小区", "家园", "花苑", "新村", "公寓", "里"]
# Mobile numbers, ID order codes and credit codes are unique per session, whatever order the factories run in.
_mobiles = itertools.count(1)
_id_orders = itertools.count(1)
_credit_codes = itertools.count(1)


def mobile() -> str:
    # 199: a prefix no test types by hand, so a number a test chooses never meets one of the world's.
    return f"199{next(_mobiles):08d}"


def id_number(*, birth: dt.date, male: bool = True, region: str = "130102") -> str:
    """A valid GB 11643 number no other factory call gives: the order code counts up (odd for men)."""
    order = next(_id_orders) % 500 * 2 + (1 if male else 0)
    body = f"{region}{birth:%Y%m%d}{order:03d}"
    return body + check_char(body)


def credit_code() -> str:
    body = f"91130102MA{next(_credit_codes):07d}"
    return body + uscc_check_char(body)


def staff_of(node, *roles: str) -> User:
    """The first holder of one of `roles` at `node` (a grid's worker, a community's secretary)."""
    level = node.LEVEL
    membership = Membership.objects.filter(role__in=roles, **{level: node}).select_related("user").order_by("id").first()
    return membership.user if membership else None


def worker_of(grid: Grid) -> User:
    """The grid's full-time worker (made for a grid without one): visits households, takes and handles its requests."""
    return staff_of(grid, Role.GRID_WORKER) or UserFactory(role=Role.GRID_WORKER, node=grid)


def cadre_of(community: Community) -> User:
    return staff_of(community, Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE) or UserFactory(role=Role.COMMUNITY_SECRETARY, node=community)


# ---- the tree ----


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("code",)

    name = "石家庄市"
    code = "130100"
    party_org_name = factory.LazyAttribute(lambda o: f"中共{o.name}委员会")


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    name = "长安区"
    code = "130102"
    party_org_name = factory.LazyAttribute(lambda o: f"中共{o.name}委员会")


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"第{n + 1}街道")
    # Codes a test makes start at 100, above every code tests/world.py gives.
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.district.code}{n + 100:03d}000")
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name.removesuffix('街道')}街道党工委")


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    district = factory.SelfAttribute("street.district")
    name = factory.Sequence(lambda n: f"第{n + 1}社区")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code[:9]}{n + 100:03d}")
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name}党委")
    address = factory.LazyAttribute(lambda o: f"{o.street.name}{o.name.removesuffix('社区')}路1号")
    phone = "0311-86000000"


class GridFactory(DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    street_id = factory.SelfAttribute("community.street_id")
    district_id = factory.SelfAttribute("community.district_id")
    sequence = factory.Sequence(lambda n: n + 100)
    # The code is the community's plus the 3-digit sequence, as governance.services.node_save derives it.
    code = factory.LazyAttribute(lambda o: f"{o.community.code}{o.sequence:03d}")
    name = factory.LazyAttribute(lambda o: f"{o.community.name.removesuffix('社区')}第{o.sequence}网格")
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name}党支部")
    boundary = factory.LazyAttribute(lambda o: f"{o.community.name.removesuffix('社区')}路以东")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    grid = factory.SubFactory(GridFactory)
    number = factory.Sequence(lambda n: n + 100)
    # An estate per grid, as buildings are named on the ground ("幸福家园3号楼"), not after the grid.
    name = factory.LazyAttribute(lambda o: f"{o.grid.name[:2]}{ESTATES[o.grid.sequence % len(ESTATES)]}{o.number}号楼")
    address = factory.LazyAttribute(lambda o: f"{o.grid.community.address}{o.number}号楼")
    units = 2
    floors = 6
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name}党小组")


class CentralHouseholdFactory(DjangoModelFactory):
    class Meta:
        model = CentralHousehold

    building = factory.SubFactory(BuildingFactory)
    room = "1-301"
    member_name = "王建国"
    households_served = 10


class ResidentUnitFactory(DjangoModelFactory):
    class Meta:
        model = ResidentUnit

    community = factory.SubFactory(CommunityFactory)
    name = factory.LazyAttribute(lambda o: f"{o.community.name.removesuffix('社区')}物业服务有限公司")
    kind = ResidentUnit.Kind.PROPERTY
    party_org_name = factory.LazyAttribute(lambda o: f"{o.name}党支部")
    contact_name = "李经理"
    contact_phone = factory.LazyFunction(mobile)


# ---- people ----


class UserFactory(DjangoModelFactory):
    """An account with the shared test password and, given `role` and `node`, its membership there."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"张{n}")
    phone = factory.LazyFunction(mobile)
    role = None
    node = None

    @classmethod
    def _create(cls, model_class, *, role=None, node=None, password=PASSWORD, **fields):
        user = model_class(**fields)
        user.set_password(password)
        user.save()
        if role:
            Membership.objects.create(user=user, role=role, **{ROLE_LEVEL[role]: node})
        return user


# ---- the household ledger: rows as households.services writes them (encrypted, hashed, masked, care flags) ----


def _tag(owner, link_model, field: str, codes) -> None:
    tags = CareTag.objects.filter(code__in=list(codes))
    link_model.objects.bulk_create([link_model(**{field: owner}, tag=tag) for tag in tags])


class HouseholdFactory(DjangoModelFactory):
    """An active household; `tags` are care-tag codes, and the key-care flag and cadence follow from them as in the app."""

    class Meta:
        model = Household

    building = factory.SubFactory(BuildingFactory)
    unit = 1
    floor = factory.Sequence(lambda n: n % 18 + 1)
    room = factory.Sequence(lambda n: f"{n % 18 + 1}0{n % 4 + 1}-{n}")
    phone = factory.LazyFunction(mobile)
    tags = ()

    @classmethod
    def _create(cls, model_class, *, building, phone="", tags=(), **fields):
        household = model_class(building=building, grid_id=building.grid_id, **phone_fields(phone), **fields)
        ledger.care_refresh(household, save=False)
        household.save()
        if tags:
            _tag(household, HouseholdTag, "household", tags)
            ledger.care_refresh(household)
        return household


class ResidentFactory(DjangoModelFactory):
    """A resident whose ID number (from `birth` and `male`) and phone are encrypted, hashed and masked by core.personal_data;
    the first head becomes the household's head."""

    class Meta:
        model = Resident
        exclude = ("birth", "male")

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"李{n}")
    # Birth dates differ between residents, as ID numbers of one region and birth date are few (1,000).
    birth = factory.Sequence(lambda n: dt.date(1950, 1, 1) + dt.timedelta(days=29 * n))
    male = True
    birth_date = factory.SelfAttribute("birth")
    sex = factory.LazyAttribute(lambda o: Resident.Sex.MALE if o.male else Resident.Sex.FEMALE)
    id_number = factory.LazyAttribute(lambda o: id_number(birth=o.birth, male=o.male))
    phone = factory.LazyFunction(mobile)
    relation = Resident.Relation.HEAD
    tags = ()

    @classmethod
    def _create(cls, model_class, *, household, id_number="", phone="", tags=(), **fields):
        resident = model_class(household=household, **(id_number_fields(id_number) if id_number else {}), **phone_fields(phone), **fields)
        resident.save()
        if resident.relation == Resident.Relation.HEAD and household.head_id is None:
            Household.objects.filter(pk=household.pk).update(head=resident)
            household.head = resident
        if tags:
            _tag(resident, ResidentTag, "resident", tags)
            ledger.care_refresh(household)
        return resident


class VisitFactory(DjangoModelFactory):
    """A visit by `visitor` (the grid's worker by default); the household's last visit and next due date move as in visit_record."""

    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    grid_id = factory.SelfAttribute("household.grid_id")
    visitor = factory.LazyAttribute(lambda o: worker_of(o.household.grid))
    visited_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    method = Visit.Method.DOOR
    findings = "家中一切正常"
    needs = ""

    @classmethod
    def _create(cls, model_class, **fields):
        visit = super()._create(model_class, **fields)
        household = visit.household
        household.refresh_from_db()
        if household.last_visited_at is None or household.last_visited_at < visit.visited_at:
            next_due = timezone.localtime(visit.visited_at).date() + dt.timedelta(days=household.visit_cadence_days)
            Household.objects.filter(pk=household.pk).update(last_visited_at=visit.visited_at, next_visit_due=next_due)
        return visit


# ---- resident requests, through intake and the workflow ----


class ResidentRequestFactory(DjangoModelFactory):
    """A request filed on the public form and walked through the workflow to `status` (submitted by default).

    The community's secretary accepts, dispatches, verifies and answers; the grid's worker takes and handles.
    """

    class Meta:
        model = ResidentRequest

    grid = factory.SubFactory(GridFactory)
    building = None
    household = None
    source = ResidentRequest.Source.PUBLIC_FORM
    category = factory.LazyFunction(lambda: Category.objects.get(code="property-3"))
    urgency = Urgency.SCHEDULED
    description = "楼道灯坏了一周"
    reporter_name = "王大妈"
    phone = "13812345678"
    status = Status.SUBMITTED

    @classmethod
    def _create(cls, model_class, *, status=Status.SUBMITTED, **fields):
        request = request_submit(**fields)
        return request_walk(request, to=status)


# The steps from a submitted request to each status the factory can reach, in order.
_WALK = [Status.ACCEPTED, Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS, Status.HANDLED, Status.VERIFIED, Status.ANSWERED, Status.CLOSED]


def request_walk(request: ResidentRequest, *, to: str, rating: int = ResidentRequest.Rating.SATISFIED) -> ResidentRequest:
    """Move a submitted request to `to` through the services, as the people of its area would."""
    if to == Status.SUBMITTED:
        return request
    cadre, worker = cadre_of(request.grid.community), worker_of(request.grid)
    if to == Status.REFUSED:
        return request_refuse(resident_request=request, actor=cadre, reason="不属于社区受理范围，已告知居民拨打12345")
    request = request_accept(resident_request=request, actor=cadre)
    if to == Status.LONG_TERM:
        return request_long_term(resident_request=request, actor=cadre, explanation="需纳入老旧小区改造计划，已向居民解释")
    steps = {
        Status.DISPATCHED: lambda r: request_dispatch(resident_request=r, actor=cadre, handler=worker),
        Status.TAKEN: lambda r: request_take(resident_request=r, actor=worker),
        Status.IN_PROGRESS: lambda r: request_progress(resident_request=r, actor=worker, note="已联系物业"),
        Status.HANDLED: lambda r: request_handle(resident_request=r, actor=worker, result_note="已现场处置完毕"),
        Status.VERIFIED: lambda r: request_verify(resident_request=r, actor=cadre, passed=True),
        Status.ANSWERED: lambda r: request_answer(resident_request=r, actor=cadre, answer_note="已处理完毕，请您查看"),
        Status.CLOSED: lambda r: request_follow_up(resident_request=r, actor=cadre, rating=rating, note="满意"),
    }
    for status in _WALK[1 : _WALK.index(to) + 1]:
        request = steps[status](request)
    return request


# ---- volunteers, through volunteers.services ----


class VolunteerFactory(DjangoModelFactory):
    """A volunteer registered by the community's cadre and, unless `confirmed=False`, confirmed into `grid`."""

    class Meta:
        model = Volunteer
        exclude = ("confirmed",)

    community = factory.SubFactory(CommunityFactory)
    grid = None
    name = factory.Sequence(lambda n: f"钱志愿{n}")
    phone = factory.LazyFunction(mobile)
    user = None
    skills = ("repairs",)
    is_party_member = True
    confirmed = True

    @classmethod
    def _create(cls, model_class, *, community, grid=None, confirmed=True, **fields):
        cadre = cadre_of(community)
        volunteer = volunteering.volunteer_register(actor=cadre, community=community, **fields)
        if confirmed:
            volunteer = volunteering.volunteer_confirm(
                actor=cadre, volunteer=volunteer, grid=grid or community.grids.order_by("sequence").first() or GridFactory(community=community)
            )
        return volunteer


class ActivityFactory(DjangoModelFactory):
    """An activity published by the community's cadre; `starts_at` in the past gives a held one."""

    class Meta:
        model = Activity

    community = factory.SubFactory(CommunityFactory)
    title = "楼道清扫"
    place = factory.LazyAttribute(lambda o: f"{o.community.name}党群服务中心")
    starts_at = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    places = 10

    @classmethod
    def _create(cls, model_class, *, community, **fields):
        return volunteering.activity_publish(actor=cadre_of(community), community=community, **fields)


def activity_held(activity: Activity, volunteers) -> list[PointsEntry]:
    """The volunteers signed up, came for the whole activity and had their hours confirmed (points in the passbook)."""
    cadre = cadre_of(activity.community)
    closes = activity.signup_closes_at
    # Sign-up closed before a past activity: open it for the sign-ups, then put the real times back.
    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=timezone.now() + dt.timedelta(hours=1))
    activity.refresh_from_db()
    signups = [volunteering.signup_create(volunteer=volunteer, activity=activity) for volunteer in volunteers]
    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=closes)
    Signup.objects.filter(pk__in=[s.pk for s in signups]).update(
        status=Signup.Status.CHECKED_OUT, checked_in_at=activity.starts_at, checked_out_at=activity.ends_at
    )
    return [volunteering.signup_confirm(actor=cadre, signup=Signup.objects.get(pk=s.pk)) for s in signups]


class WishFactory(DjangoModelFactory):
    """A micro-wish posted by the community and published; `claimed_by` claims it, `status=confirmed` completes it."""

    class Meta:
        model = Wish

    community = factory.SubFactory(CommunityFactory)
    resident_name = "张秀英"
    content = "想要一副老花镜"
    claimed_by = None
    status = Wish.Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *, community, claimed_by=None, status=Wish.Status.PUBLISHED, **fields):
        cadre = cadre_of(community)
        wish = volunteering.wish_post(actor=cadre, community=community, **fields)
        wish = volunteering.wish_review(actor=cadre, wish=wish, publish=True)
        if claimed_by is not None:
            wish = volunteering.wish_claim(wish=wish, volunteer=claimed_by, actor=claimed_by.user)
            if status in (Wish.Status.FULFILLED, Wish.Status.CONFIRMED):
                wish = volunteering.wish_fulfil(wish=wish, volunteer=claimed_by, actor=claimed_by.user, note="已送到家中")
            if status == Wish.Status.CONFIRMED:
                wish = volunteering.wish_confirm(wish=wish, actor=cadre)
        return wish


def reporting_unit(community: Community, *, name: str):
    cadre = cadre_of(community)
    unit = volunteering.unit_register(
        actor=cadre,
        community=community,
        name=name,
        credit_code=credit_code(),
        party_org_name="机关党支部",
        contact_name="刘主任",
        contact_phone=mobile(),
        resources="会议室、志愿服务队",
    )
    return volunteering.unit_review(actor=cadre, unit=unit, approve=True)


# ---- linkage and patrols ----


class LinkageDutyFactory(DjangoModelFactory):
    class Meta:
        model = LinkageDuty

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    kind = LinkageDuty.Kind.DISTRICT_LEADER
    department = ""


class LinkageRecordFactory(DjangoModelFactory):
    class Meta:
        model = LinkageRecord

    duty = factory.SubFactory(LinkageDutyFactory)
    community = factory.SelfAttribute("duty.community")
    kind = LinkageRecord.Kind.VISIT
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
    people = factory.LazyAttribute(lambda o: str(o.duty.user))
    topics = "走访社区，了解为民服务情况"
    recorded_by = factory.SelfAttribute("duty.user")


class PatrolFactory(DjangoModelFactory):
    class Meta:
        model = Patrol

    grid = factory.SubFactory(GridFactory)
    worker = factory.LazyAttribute(lambda o: worker_of(o.grid))
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1, hours=2))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(hours=1))
    notes = "巡查一小时，未见异常"


# ---- the duty list and 准入 ----


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["district", "name"]

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"区职能部门{n}")


class DutyFactory(DjangoModelFactory):
    class Meta:
        model = Duty

    community = factory.SubFactory(CommunityFactory)
    kind = DutyKind.PERFORMANCE
    name = factory.Sequence(lambda n: f"社区工作事项{n}")
    basis = "《中华人民共和国城市居民委员会组织法》"


def incoming_task(community: Community, *, status: str = TaskStatus.PENDING, department=None, title: str = "配合开展入户调查", **fields) -> IncomingTask:
    """A task pushed down to `community`, registered by its cadre through the service: admitted against `duty` (a new one
    when not given), otherwise sent to the street, which approves or refuses it for those statuses."""
    secretary = cadre_of(community)
    department = department or DepartmentFactory(district=community.district, name="区民政局")
    received_on = fields.pop("received_on", timezone.localdate() - dt.timedelta(days=2))
    # A duty given for a task off the list is ignored: the status says where the task goes.
    duty = fields.pop("duty", None)
    if status == TaskStatus.ADMITTED:
        duty = duty or DutyFactory(community=community)
        return duties.task_register(actor=secretary, community=community, department=department, title=title, received_on=received_on, duty=duty, **fields)
    task = duties.task_register(
        actor=secretary,
        community=community,
        department=department,
        title=title,
        received_on=received_on,
        reason=fields.pop("reason", "不在社区工作事项清单内"),
        **fields,
    )
    if status in (TaskStatus.APPROVED, TaskStatus.REFUSED):
        street = staff_of(community.street, Role.STREET_CADRE) or UserFactory(role=Role.STREET_CADRE, node=community.street)
        decision, reason = (Decision.APPROVE, "") if status == TaskStatus.APPROVED else (Decision.REFUSE, "属于部门职责，不应下派社区")
        task = duties.task_decide(actor=street, task=task, decision=decision, reason=reason)
    return task


# ---- community services ----


class ServiceItemFactory(DjangoModelFactory):
    """A service of the community's list handled by its A person (the grid's worker of its first grid) and B (its secretary)."""

    class Meta:
        model = ServiceItem

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"居住证明开具{n}")
    materials = "身份证、户口簿"
    time_limit_days = 3
    mode = ServiceItem.Mode.ON_SITE
    needs_ab = True
    person_a = factory.LazyAttribute(lambda o: worker_of(o.community.grids.order_by("sequence").first()))
    person_b = factory.LazyAttribute(lambda o: staff_of(o.community, Role.COMMUNITY_SECRETARY))


class TimeSlotFactory(DjangoModelFactory):
    """A slot of the service every day of the week, 09:00–11:00 unless told."""

    class Meta:
        model = TimeSlot

    service = factory.SubFactory(ServiceItemFactory)
    weekday = factory.LazyFunction(lambda: timezone.localdate().weekday())
    starts = dt.time(9, 0)
    ends = dt.time(11, 0)
    capacity = 2


def booking_of(slot: TimeSlot, *, day: dt.date | None = None, name: str = "王大妈", kind: str = Booking.Kind.APPOINTMENT, **extra) -> Booking:
    """A resident's booking made through the service (handler chosen, history and notification written)."""
    service = slot.service
    if kind == Booking.Kind.PROXY:
        return booking_create(service=service, kind=kind, name=name, phone=mobile(), address="幸福小区1号楼2单元301", needs="腿脚不便，请上门代办", **extra)
    day = day or timezone.localdate() + dt.timedelta(days=7)
    return booking_create(service=service, kind=kind, name=name, phone=mobile(), day=day, slot=slot, **extra)


# ---- deliberation (议事协商) ----


class MeetingFactory(DjangoModelFactory):
    """A meeting held yesterday (a date to come schedules one instead)."""

    class Meta:
        model = Meeting

    community = factory.SubFactory(CommunityFactory)
    kind = Meeting.Kind.RESIDENTS
    held_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    place = "社区议事厅"
    recorded_by = factory.LazyAttribute(lambda o: cadre_of(o.community))


class TopicFactory(DjangoModelFactory):
    """A proposed topic raised by a cadre, with its first history row; `topic_walk` moves it on through the services."""

    class Meta:
        model = Topic
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"议题{n + 1}：楼道堆物清理")
    description = "多个楼道堆放杂物，存在消防隐患，需居民商定清理办法。"
    source = Topic.Source.CADRE
    raised_by = factory.LazyAttribute(lambda o: cadre_of(o.community))

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            TopicEvent.objects.create(topic=self, actor=self.raised_by, to_status=self.status)


def topic_walk(topic: Topic, *, to: str, published: bool = False, tasks: int = 0) -> Topic:
    """Move a proposed topic on by the services, as its community's cadre: scheduled on a meeting held yesterday with
    two options, decided by vote (the first option wins 30:5:2), then `tasks` tasks due in a week, or done."""
    actor = cadre_of(topic.community)
    deliberating.topic_schedule(actor=actor, topic=topic, meeting=MeetingFactory(community=topic.community))
    first = deliberating.option_add(actor=actor, topic=topic, text="统一清理并设立公共储物点")
    deliberating.option_add(actor=actor, topic=topic, text="各户限期自行清理")
    if to == TopicStatus.SCHEDULED:
        return topic
    deliberating.option_vote(actor=actor, option=first, votes_for=30, votes_against=5, votes_abstain=2)
    topic = deliberating.topic_decide(actor=actor, topic=topic, outcome=Topic.Outcome.VOTE)
    if published:
        topic = deliberating.topic_publish(actor=actor, topic=topic)
    for number in range(tasks):
        deliberating.task_add(actor=actor, topic=topic, title=f"落实任务{number + 1}", responsible="王主任", due_on=timezone.localdate() + dt.timedelta(days=7))
    if to == TopicStatus.DONE and not tasks:
        topic = deliberating.topic_close(actor=actor, topic=topic)
    topic.refresh_from_db()
    return topic


# ---- community workers (cadres) ----


class WorkerProfileFactory(DjangoModelFactory):
    """A worker's file with six years of service, an exam, a passed vetting, and an ID number and phone encrypted, hashed
    and masked by core.personal_data (pass `user` to file an existing account)."""

    class Meta:
        model = WorkerProfile

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    post = Post.WORKER
    entry_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=6 * 366))
    exam_record = "社区工作者考聘，笔试82分"
    vetting = WorkerProfile.Vetting.PASSED
    vetting_note = "无违法违纪记录"
    vetted_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=6 * 366))
    resources = "调解矛盾纠纷"
    needs = "学习做群众工作"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        personal = id_number_fields(id_number(birth=dt.date(1990, 5, 1))) | phone_fields(mobile())
        return super()._create(model_class, *args, **{**personal, **kwargs})


def pool_filed(profile: WorkerProfile, pool: str = Pool.MENTOR) -> PoolEntry:
    """The worker filed (approved) in `pool`, proposed by their own account, as after the three steps."""
    return PoolEntry.objects.create(profile=profile, pool=pool, status=Review.APPROVED, reason="表现突出", proposed_by=profile.user)
