"""Writes of the service list and bookings: each validates, writes, records history and audit in one transaction, and notifies on commit."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community_services import selectors
from community_services.models import Booking, BookingEvent, BookingKey, Leave, ServiceItem, TimeSlot
from community_services.permissions import can_handle_booking, can_manage_services
from core.dates import working_calendar
from core.idempotency import idempotent_record, idempotent_replay, payload_hash
from core.personal_data import encrypt, mask_name, phone_fields
from governance.audit import audit_record
from governance.models import AuditEntry, Membership
from governance.services import personal_data_reveal_for_duty
from notifications.models import Notification
from notifications.services import notification_send

# How far ahead a resident may book an appointment.
BOOK_AHEAD_DAYS = 30
NO_SHOW_BATCH = 500
# The lifecycle: every booking starts booked and ends in exactly one of these, once.
ALLOWED_TRANSITIONS = {
    Booking.Status.BOOKED: {Booking.Status.DONE, Booking.Status.CANNOT, Booking.Status.NO_SHOW, Booking.Status.CANCELLED},
}
SERVICE_FIELDS = ("name", "materials", "time_limit_days", "legal_basis", "mode", "needs_ab", "person_a", "person_b", "active")


def _refuse_unless_manager(actor, community) -> None:
    if not can_manage_services(actor, community.ancestry()):
        raise PermissionDenied(_("The community's cadres keep its service list."))


@transaction.atomic
def service_save(*, actor, community, service: ServiceItem | None = None, **values) -> ServiceItem:
    """Add a service to a community's list, or change one; A and B are two different people of the community's front desk."""
    community = service.community if service else community
    _refuse_unless_manager(actor, community)
    person_a, person_b = values.get("person_a"), values.get("person_b")
    staff = set(selectors.desk_staff_of([community.pk]).filter(pk__in=[p.pk for p in (person_a, person_b) if p]).values_list("pk", flat=True))
    if any(person and person.pk not in staff for person in (person_a, person_b)):
        raise ValidationError({"person_a": _("Choose A and B among the community's workers.")})
    if person_a and person_a == person_b:
        raise ValidationError({"person_b": _("The B person covers for A: choose someone else.")})
    if values.get("needs_ab") and not person_a:
        raise ValidationError({"person_a": _("A service handled by its A or B person needs an A person.")})
    name = values["name"].strip()
    if ServiceItem.objects.filter(community=community, name=name).exclude(pk=service.pk if service else None).exists():
        raise ValidationError({"name": _("The community already offers a service of this name.")})
    values["name"] = name
    if service is None:
        service = ServiceItem.objects.create(community=community, **values)
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=service, changes={"name": [None, name]})
        return service
    before = {field: str(getattr(service, field)) for field in SERVICE_FIELDS}
    for field, value in values.items():
        setattr(service, field, value)
    service.save(update_fields=list(values))
    changes = {field: [before[field], str(getattr(service, field))] for field in SERVICE_FIELDS if before[field] != str(getattr(service, field))}
    if changes:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=service, changes=changes)
    return service


@transaction.atomic
def slot_save(*, actor, service: ServiceItem, weekday: int, starts: dt.time, ends: dt.time, capacity: int) -> TimeSlot:
    """Open a weekly slot for a service, or change the capacity of the slot starting then (0 closes it to new bookings)."""
    _refuse_unless_manager(actor, service.community)
    if ends <= starts:
        raise ValidationError({"ends": _("A slot ends after it starts.")})
    slot, created = TimeSlot.objects.get_or_create(service=service, weekday=weekday, starts=starts, defaults={"ends": ends, "capacity": capacity})
    if not created:
        before = {"ends": str(slot.ends), "capacity": slot.capacity}
        slot.ends, slot.capacity = ends, capacity
        slot.save(update_fields=["ends", "capacity"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=slot,
            changes={"ends": [before["ends"], str(ends)], "capacity": [before["capacity"], capacity]},
        )
    else:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=slot, changes={"slot": [None, str(slot)], "capacity": [None, capacity]})
    return slot


def _handler_for(service: ServiceItem, away: set[int]):
    """The A person, or B when A is away that day; nobody named (any front-desk worker takes it) when both are away or the service needs no A/B."""
    if not service.needs_ab:
        return None
    for person in (service.person_a, service.person_b):
        if person is not None and person.pk not in away:
            return person
    return None


def _notify_handlers(bookings: list[Booking]) -> None:
    """Tell each booking's handler, or the community's desk when nobody is named, on commit (once per booking and person)."""
    unnamed = {booking.community_id for booking in bookings if booking.assignee_id is None}
    desk = {}
    for membership in Membership.objects.filter(community__in=unnamed, role__in=selectors.DESK_ROLES).select_related("user"):
        desk.setdefault(membership.community_id, []).append(membership.user)
    notifications = []
    for booking in bookings:
        people = [booking.assignee] if booking.assignee_id else desk.get(booking.community_id, [])
        when = f"{booking.day:%m-%d} {booking.slot.starts:%H:%M}" if booking.slot_id else _("proxy handling, due %(due)s") % {"due": booking.due_on}
        notifications += [
            Notification(
                user=person,
                key=f"booking:{booking.pk}:{person.pk}",
                title=_("New booking: %(service)s, %(when)s") % {"service": booking.service.name, "when": when},
                url=reverse("service-booking", kwargs={"pk": booking.pk}),
            )
            for person in people
        ]
    notification_send(notifications=notifications)


def _event(booking: Booking, *, actor, from_status: str, note: str = "") -> None:
    BookingEvent.objects.create(
        booking=booking,
        from_status=from_status,
        to_status=booking.status,
        assignee=booking.assignee,
        actor=actor if actor and actor.is_authenticated else None,
        note=note,
    )


@transaction.atomic
def booking_create(
    *,
    service: ServiceItem,
    kind: str,
    name: str,
    phone: str,
    day: dt.date | None = None,
    slot: TimeSlot | None = None,
    address: str = "",
    needs: str = "",
    actor=None,
    idempotency_key: str = "",
    caller: str = "",
) -> Booking:
    """A resident (or a worker for them) books an appointment in a slot, or asks for proxy handling (代办).

    Concurrency: the slot's row is locked while its places are counted, so two residents never take its last place.
    Sent again with the same Idempotency-Key and body by the same caller (a phone's retry), it answers the first booking.
    """
    if not service.active:
        raise ValidationError(_("This service is not offered at the moment."))
    today = timezone.localdate()
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Tell us your name.")})
    fields = {"name_enc": encrypt(name), "name_masked": mask_name(name), **phone_fields(phone)}
    if idempotency_key:
        # Before the slot's places are counted: the first booking may have taken its last one. The phone keeps residents apart.
        caller = f"{caller}:{fields['phone_hash']}"
        payload = payload_hash(service.pk, kind, name, fields["phone_hash"], day, getattr(slot, "pk", None), address.strip(), needs.strip())
        first = idempotent_replay(BookingKey.objects, caller=caller, key=idempotency_key, payload=payload, created="booking")
        if first is not None:
            return first
    if kind == Booking.Kind.APPOINTMENT:
        if slot is None or day is None or slot.service_id != service.pk:
            raise ValidationError({"slot": _("Choose a date and a time slot of this service.")})
        if not today <= day <= today + dt.timedelta(days=BOOK_AHEAD_DAYS):
            raise ValidationError({"day": _("Choose a date from today to %(days)d days ahead.") % {"days": BOOK_AHEAD_DAYS}})
        if day.weekday() != slot.weekday:
            raise ValidationError({"slot": _("This slot is not open on the chosen date's weekday.")})
        if day in working_calendar(day, day).holidays:
            raise ValidationError({"day": _("The community's service hall is closed on that day (public holiday).")})
        ends_at = timezone.make_aware(dt.datetime.combine(day, slot.ends))
        if ends_at <= timezone.now():
            raise ValidationError({"slot": _("This slot is already over; choose a later one.")})
        slot = TimeSlot.objects.select_for_update().get(pk=slot.pk)
        if selectors.slot_taken(slot, day) >= slot.capacity:
            raise ValidationError({"slot": _("This slot is full; choose another time.")})
        fields |= {"slot": slot, "day": day, "ends_at": ends_at, "due_on": day}
    elif kind == Booking.Kind.PROXY:
        if len(address.strip()) < 4 or len(needs.strip()) < 4:
            raise ValidationError({"address": _("For proxy handling, give the address and say what is needed.")})
        due_on = working_calendar(today, today + dt.timedelta(days=service.time_limit_days * 3 + 40)).add_working_days(today, service.time_limit_days)
        fields |= {"day": today, "due_on": due_on, "address": address.strip()[:200], "needs": needs.strip()}
    else:
        raise ValidationError({"kind": _("Choose an appointment or proxy handling.")})
    handler = _handler_for(service, selectors.away_on({service.person_a_id, service.person_b_id}, fields["day"], fields["day"])(fields["day"]))
    booking = Booking.objects.create(community=service.community, service=service, kind=kind, assignee=handler, **fields)
    if idempotency_key:
        idempotent_record(BookingKey.objects, caller=caller, key=idempotency_key, payload=payload, booking=booking)
    _event(booking, actor=actor, from_status="")
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=booking, changes={"kind": [None, kind], "day": [None, booking.day.isoformat()]})
    _notify_handlers([booking])
    return booking


def _transition(booking: Booking, *, to: str, actor, note: str = "", reason: str = "") -> Booking:
    """The one change of status: refuses an illegal move, claims the row with a conditional UPDATE, writes history and audit."""
    if to not in ALLOWED_TRANSITIONS.get(booking.status, ()):
        raise ValidationError(_("This booking is already %(status)s.") % {"status": booking.get_status_display()})
    now = timezone.now()
    # Whoever changes the booking first wins; a second, concurrent change finds the status moved and is refused.
    claimed = Booking.objects.filter(pk=booking.pk, status=booking.status).update(status=to, closed_at=now, reason=reason)
    if not claimed:
        booking.refresh_from_db()
        raise ValidationError(_("This booking is already %(status)s.") % {"status": booking.get_status_display()})
    before = booking.status
    booking.status, booking.closed_at, booking.reason = to, now, reason
    _event(booking, actor=actor, from_status=before, note=note or reason)
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=booking, changes={"status": [before, to]})
    return booking


@transaction.atomic
def booking_close(*, actor, booking: Booking, status: str, reason: str = "") -> Booking:
    """The handler (or the front desk) marks the booking done, or says why it cannot be done."""
    if not can_handle_booking(actor, booking):
        raise PermissionDenied(_("Only its handler or the community's front desk can close this booking."))
    if status not in (Booking.Status.DONE, Booking.Status.CANNOT):
        raise ValidationError({"status": _("Choose done or cannot be done.")})
    reason = reason.strip()
    if status == Booking.Status.CANNOT and len(reason) < 2:
        raise ValidationError({"reason": _("Say why it cannot be done: the resident reads it.")})
    return _transition(booking, to=status, actor=actor, reason=reason[:300])


@transaction.atomic
def booking_cancel(*, booking: Booking) -> Booking:
    """The resident cancels with their code (the code is the secret that opens the booking)."""
    return _transition(booking, to=Booking.Status.CANCELLED, actor=None, note=_("Cancelled by the resident"))


@transaction.atomic
def leave_record(*, actor, community, person, starts_on: dt.date, ends_on: dt.date, reason: str) -> Leave:
    """Record a worker's leave; their open bookings of those days go to the other of A and B, who is told."""
    _refuse_unless_manager(actor, community)
    if not selectors.desk_staff_of([community.pk]).filter(pk=person.pk).exists():
        raise ValidationError({"person": _("Choose one of the community's workers.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("Leave ends on or after the day it starts.")})
    if len(reason.strip()) < 2:
        raise ValidationError({"reason": _("Say why (e.g. annual leave, training).")})
    leave = Leave.objects.create(community=community, person=person, starts_on=starts_on, ends_on=ends_on, reason=reason.strip()[:200], recorded_by=actor)
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, instance=leave, changes={"person": [None, str(person)], "days": [None, f"{starts_on}–{ends_on}"]}
    )
    today = timezone.localdate()
    # Appointments on the days of leave, and proxy handling still open while the leave runs today.
    days = Q(kind=Booking.Kind.APPOINTMENT, day__gte=starts_on, day__lte=ends_on)
    if starts_on <= today <= ends_on:
        days |= Q(kind=Booking.Kind.PROXY)
    affected = list(
        Booking.objects.filter(days, assignee=person, status=Booking.Status.BOOKED, community=community).select_related(
            "service__person_a", "service__person_b", "slot", "community"
        )
    )
    people = {pk for booking in affected for pk in (booking.service.person_a_id, booking.service.person_b_id)}
    away = selectors.away_on(people, starts_on, max(ends_on, today))
    moved = []
    for booking in affected:
        handler = _handler_for(booking.service, away(max(booking.day, today)))
        if handler != booking.assignee:
            booking.assignee = handler
            booking.save(update_fields=["assignee"])
            _event(booking, actor=actor, from_status=booking.status, note=_("Handler on leave: handed over"))
            moved.append(booking)
    _notify_handlers(moved)
    return leave


def bookings_mark_no_shows(*, now: dt.datetime | None = None, batch: int = NO_SHOW_BATCH) -> int:
    """The periodic job: appointments still booked after their slot ended become no-shows, once, in bounded batches."""
    now = now or timezone.now()
    marked = 0
    while True:
        with transaction.atomic():
            # Rows another run holds are skipped, so two runs never mark (or record) the same booking twice.
            ids = list(
                Booking.objects.select_for_update(skip_locked=True)
                .filter(kind=Booking.Kind.APPOINTMENT, status=Booking.Status.BOOKED, ends_at__lt=now)
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return marked
            Booking.objects.filter(pk__in=ids, status=Booking.Status.BOOKED).update(status=Booking.Status.NO_SHOW, closed_at=now)
            BookingEvent.objects.bulk_create(
                BookingEvent(booking_id=pk, from_status=Booking.Status.BOOKED, to_status=Booking.Status.NO_SHOW, note=_("The slot passed without the resident"))
                for pk in ids
            )
            marked += len(ids)


def booking_contact_reveal(*, actor, booking: Booking, purpose: str, reason: str = "") -> dict[str, str]:
    """The resident's full name and phone, for whoever must handle the booking (to call back, to go to the door for
    代办), while it is open; logged like every reveal, with its purpose, where the district reads it."""
    if not can_handle_booking(actor, booking):
        raise PermissionDenied(_("Only who handles this booking may see the resident's contact."))
    if booking.status != Booking.Status.BOOKED:
        raise PermissionDenied(_("The booking is closed: its contact is no longer shown."))
    return personal_data_reveal_for_duty(actor=actor, instance=booking, purpose=purpose, reason=reason)
