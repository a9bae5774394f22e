"""Demo service lists: eight public services per community (the cadre as A person, the secretary as B),
weekday morning and afternoon slots, and a month of bookings: done, no-shows, proxy handling done on time or late, and
upcoming ones. In community1 the A person is on leave today, so today's bookings went to the B person."""

import datetime as dt
import random

from django.utils import timezone

from community_services.models import Booking, BookingEvent, Leave, ServiceItem, TimeSlot
from core.dates import working_calendar
from core.personal_data import encrypt, mask_name, phone_fields
from demo.copy import objects_insert
from demo.names import mobile, person_name
from governance.models import Community, Membership
from governance.roles import Role

# (name, materials, time limit in working days, legal basis, online, needs the A/B person)
SERVICES = [
    ("居住证明开具", "身份证、户口簿或房产证明", 1, "《居住证暂行条例》", False, False),
    ("高龄津贴申领", "身份证、户口簿、银行卡", 5, "《河北省老年人权益保障条例》", False, True),
    ("城乡居民医保参保登记", "身份证、户口簿", 3, "《社会保险法》", True, True),
    ("残疾人两项补贴申请", "身份证、残疾人证、银行卡", 10, "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》", False, True),
    ("最低生活保障申请", "身份证、户口簿、收入证明、家庭财产申报表", 15, "《社会救助暂行办法》", False, True),
    ("生育登记服务", "夫妻双方身份证、结婚证", 1, "《人口与计划生育法》", True, False),
    ("退役军人优待证申领", "身份证、退役证件、近期免冠照片", 10, "《退役军人保障法》", False, True),
    ("老年人优待证办理", "身份证、一寸照片", 3, "《老年人权益保障法》", False, False),
]
SLOTS = [(dt.time(8, 30), dt.time(10, 0)), (dt.time(10, 0), dt.time(11, 30)), (dt.time(14, 30), dt.time(16, 30))]
DAYS_BACK = 30


def seed_services(district_seeder, *, buildings) -> dict:
    rng: random.Random = district_seeder.rng
    communities = list(Community.objects.filter(pk__in={building.grid.community_id for building in buildings}).order_by("code"))
    staff = _staff_of(communities)
    services = objects_insert(
        ServiceItem,
        [
            ServiceItem(
                community=community,
                name=name,
                materials=materials,
                time_limit_days=days,
                legal_basis=basis,
                mode=ServiceItem.Mode.ONLINE if online else ServiceItem.Mode.ON_SITE,
                needs_ab=ab,
                person_a_id=staff[community.pk]["a"],
                person_b_id=staff[community.pk]["b"],
            )
            for community in communities
            for name, materials, days, basis, online, ab in SERVICES
        ],
    )
    slots = objects_insert(
        TimeSlot,
        [
            TimeSlot(service=service, weekday=weekday, starts=starts, ends=ends, capacity=rng.choice([3, 4, 6]))
            for service in services
            if service.mode == ServiceItem.Mode.ON_SITE
            for weekday in range(5)
            for starts, ends in SLOTS
        ],
    )
    today = timezone.localdate()
    first = communities[0]
    leave = Leave.objects.create(
        community=first,
        person_id=staff[first.pk]["a"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=2),
        reason="年休假",
        recorded_by_id=staff[first.pk]["b"],
    )
    calendar = working_calendar(today - dt.timedelta(days=DAYS_BACK + 5), today + dt.timedelta(days=60))
    slots_by_service: dict[int, list[TimeSlot]] = {}
    for slot in slots:
        slots_by_service.setdefault(slot.service_id, []).append(slot)
    now = timezone.now()
    bookings, stamps = [], []
    per_community = 24
    for community in communities:
        mine = [service for service in services if service.community_id == community.pk]
        for _ in range(per_community):
            service = rng.choice(mine)
            offset = rng.randint(-DAYS_BACK, 10)
            name = person_name(rng)
            fields = {"name_enc": encrypt(name), "name_masked": mask_name(name), **phone_fields(mobile(rng, district_seeder.phones))}
            if service.pk in slots_by_service:
                day = today + dt.timedelta(days=offset)
                while not calendar.is_working_day(day) or day.weekday() > 4:
                    day += dt.timedelta(days=1)
                slot = rng.choice([s for s in slots_by_service[service.pk] if s.weekday == day.weekday()])
                handler = _handler(service, day, on_leave=community.pk == first.pk and leave.starts_on <= day <= leave.ends_on)
                ends_at = timezone.make_aware(dt.datetime.combine(day, slot.ends))
                past = ends_at < now
                status = rng.choices([Booking.Status.DONE, Booking.Status.NO_SHOW, Booking.Status.CANCELLED], [85, 10, 5])[0] if past else Booking.Status.BOOKED
                created = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=rng.randint(1, 6)), dt.time(rng.randint(8, 20), rng.randint(0, 59))))
                booking = Booking(
                    community=community, service=service, kind=Booking.Kind.APPOINTMENT, slot=slot, day=day, ends_at=ends_at, due_on=day, assignee_id=handler,
                    status=status, closed_at=ends_at if past else None, **fields,
                )  # fmt: skip
            else:
                day = today + dt.timedelta(days=min(offset, 0))
                handler = _handler(service, day, on_leave=community.pk == first.pk and leave.starts_on <= day <= leave.ends_on)
                due_on = calendar.add_working_days(day, service.time_limit_days)
                took = calendar.add_working_days(day, rng.randint(1, service.time_limit_days + 2))
                done = took < today
                created = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.randint(0, 59))))
                booking = Booking(
                    community=community, service=service, kind=Booking.Kind.PROXY, day=day, due_on=due_on, assignee_id=handler,
                    address=f"{community.address}{rng.randint(1, 9)}号楼{rng.randint(1, 3)}单元{rng.randint(1, 6)}0{rng.randint(1, 2)}",
                    needs="行动不便，请上门代办", status=Booking.Status.DONE if done else Booking.Status.BOOKED,
                    closed_at=timezone.make_aware(dt.datetime.combine(took, dt.time(16, 0))) if done else None, **fields,
                )  # fmt: skip
            bookings.append(booking)
            stamps.append(created)
    # The demo's past is stamped when it happened: booked at the time it was made, closed when it was done.
    for booking, created in zip(bookings, stamps, strict=True):
        booking.created_at = created
    bookings = objects_insert(Booking, bookings)
    events = []
    for booking in bookings:
        events.append(BookingEvent(booking=booking, to_status=Booking.Status.BOOKED, assignee_id=booking.assignee_id, at=booking.created_at))
        if booking.status != Booking.Status.BOOKED:
            events.append(
                BookingEvent(
                    booking=booking, from_status=Booking.Status.BOOKED, to_status=booking.status, assignee_id=booking.assignee_id, at=booking.closed_at
                )
            )
    objects_insert(BookingEvent, events)
    return {"services": len(services), "bookings": len(bookings)}


def _handler(service: ServiceItem, day: dt.date, *, on_leave: bool) -> int | None:
    """As booking_create chooses: A, or B while A is on leave; nobody named for services anyone at the desk may do."""
    if not service.needs_ab:
        return None
    return service.person_b_id if on_leave else service.person_a_id


def _staff_of(communities) -> dict[int, dict[str, int]]:
    """Per community: the cadre as A person, the secretary as B."""
    staff: dict[int, dict[str, int]] = {}
    for membership in Membership.objects.filter(community__in=communities, role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]):
        key = "a" if membership.role == Role.COMMUNITY_CADRE else "b"
        staff.setdefault(membership.community_id, {}).setdefault(key, membership.user_id)
    return staff
