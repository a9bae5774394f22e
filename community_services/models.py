"""The community's public-service list (一窗受理、全科服务) with its A and B persons, leave, time slots, and residents' bookings."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabels
from core.idempotency import IdempotencyRecord
from governance.models import Community, User
from governance.roles import Level
from governance.scope import ScopedQuerySet

BY_COMMUNITY = {Level.DISTRICT: ["community__district_id"], Level.STREET: ["community__street_id"], Level.COMMUNITY: ["community_id"]}


class ServiceItem(models.Model):
    """One public service of a community's list: what to bring, how long it takes, and who handles it."""

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")

    community = models.ForeignKey(Community, models.PROTECT, related_name="service_items", verbose_name=_("community"))
    name = models.CharField(_("service"), max_length=100)
    materials = models.TextField(_("materials needed"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), default=5)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    mode = models.CharField(_("how it is handled"), max_length=10, choices=Mode.choices, default=Mode.ON_SITE)
    needs_ab = models.BooleanField(
        _("needs the A or B person"), default=True, help_text=_("Otherwise any worker at the front desk may handle it (first asked, responsible).")
    )
    person_a = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("A person"))
    person_b = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("B person"))
    active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = BY_COMMUNITY

    class Meta:
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="service_item_unique_name")]

    def __str__(self):
        return self.name

    def ancestry(self):
        return self.community.ancestry()


class TimeSlot(models.Model):
    """A weekly time range in which residents may book a service, with how many may come."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    service = models.ForeignKey(ServiceItem, models.CASCADE, related_name="slots", verbose_name=_("service"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("starts at"))
    ends = models.TimeField(_("ends at"))
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=4)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = {level: [f"service__{lookup}" for lookup in lookups] for level, lookups in BY_COMMUNITY.items()}

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["service", "weekday", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["service", "weekday", "starts"], name="time_slot_unique_start"),
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="time_slot_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def ancestry(self):
        return self.service.ancestry()


class Leave(models.Model):
    """A worker away from the front desk (recorded by a cadre): their A-person bookings of those days go to the B person."""

    community = models.ForeignKey(Community, models.PROTECT, related_name="service_leaves", verbose_name=_("community"))
    person = models.ForeignKey(User, models.PROTECT, related_name="service_leaves", verbose_name=_("person"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = BY_COMMUNITY

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"], name="service_leave_person_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="service_leave_ends_after_start")]

    def __str__(self):
        return f"{self.person} {self.starts_on}–{self.ends_on}"

    def ancestry(self):
        return self.community.ancestry()


def new_booking_code() -> str:
    return secrets.token_hex(5).upper()


class Booking(ChoiceLabels, models.Model):
    """A resident's appointment (a date and a slot) or request for proxy handling (代办); name and phone are kept encrypted."""

    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("Appointment")
        PROXY = "proxy", _("Proxy handling")

    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        DONE = "done", _("Done")
        CANNOT = "cannot", _("Cannot be done")
        NO_SHOW = "no_show", _("Did not come")
        CANCELLED = "cancelled", _("Cancelled by the resident")

    community = models.ForeignKey(Community, models.PROTECT, related_name="bookings", verbose_name=_("community"))
    service = models.ForeignKey(ServiceItem, models.PROTECT, related_name="bookings", verbose_name=_("service"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    slot = models.ForeignKey(TimeSlot, models.PROTECT, null=True, blank=True, related_name="bookings", verbose_name=_("time slot"))
    day = models.DateField(_("date"), help_text=_("The appointment's date; for proxy handling, the day it was asked for."))
    # The end of the appointment's slot: after it a booking still open is a no-show.
    ends_at = models.DateTimeField(_("slot ends"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    name_enc = models.TextField(_("name (encrypted)"), editable=False)
    name_masked = models.CharField(_("name"), max_length=20, editable=False)
    phone_enc = models.TextField(_("phone (encrypted)"), editable=False)
    phone_hash = models.CharField(max_length=64, editable=False, db_index=True)
    phone_masked = models.CharField(_("phone"), max_length=20, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    needs = models.TextField(_("what is needed"), blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=10, unique=True, default=new_booking_code, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    assignee = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="service_bookings", verbose_name=_("handled by"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    SCOPE_PATHS = BY_COMMUNITY

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-day", "-id"]
        indexes = [
            models.Index(fields=["slot", "day", "status"], name="booking_slot_day_idx"),
            models.Index(fields=["status", "ends_at"], name="booking_status_ends_idx"),
            models.Index(fields=["assignee", "status"], name="booking_assignee_idx"),
            models.Index(fields=["community", "created_at"], name="booking_community_idx"),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.service}"

    def ancestry(self):
        return self.community.ancestry()


class BookingKey(IdempotencyRecord):
    """A booking sent again with the same Idempotency-Key, caller and body answers the first booking (core/idempotency.py)."""

    booking = models.ForeignKey(Booking, models.CASCADE, related_name="+", verbose_name=_("booking"))

    class Meta:
        verbose_name = _("booking idempotency key")
        verbose_name_plural = _("booking idempotency keys")
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="booking_key_unique")]


class BookingEvent(models.Model):
    """Append-only history of a booking: each change of status or handler, who made it and why."""

    booking = models.ForeignKey(Booking, models.CASCADE, related_name="events", verbose_name=_("booking"))
    from_status = models.CharField(_("from"), max_length=12, choices=Booking.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Booking.Status.choices)
    assignee = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handled by"))
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking event")
        verbose_name_plural = _("booking history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.booking_id} {self.from_status}→{self.to_status}"
