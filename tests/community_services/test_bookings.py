"""The booking lifecycle: capacity, the A person or B on leave, closing, cancelling by code, the no-show job and the figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community_services import selectors, services
from community_services.models import Booking, BookingEvent
from governance.models import Community
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot(user):
    community = Community.objects.get(name="幸福社区")
    return f.TimeSlotFactory(service=f.ServiceItemFactory(community=community, name="高龄津贴申领"), capacity=2)


def next_week():
    return timezone.localdate() + dt.timedelta(days=7)


def test_a_booking_goes_to_the_a_person_who_is_notified(slot, user, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        booking = f.booking_of(slot)
    assert booking.assignee == user("grid1")
    assert booking.status == Booking.Status.BOOKED and booking.name_masked == "王**" and "王大妈" not in booking.name_enc
    assert Notification.objects.filter(user=user("grid1"), key=f"booking:{booking.pk}:{user('grid1').pk}").exists()
    assert [n.user.username for n in outbox] == ["grid1"]
    assert booking in selectors.queue_for(user("grid1")) and booking not in selectors.queue_for(user("grid2"))


def test_a_full_slot_refuses_the_next_resident_but_a_cancelled_place_is_free_again(slot):
    first = f.booking_of(slot)
    f.booking_of(slot)
    with pytest.raises(ValidationError) as refused:
        f.booking_of(slot)
    assert "slot" in refused.value.message_dict
    services.booking_cancel(booking=first)
    assert f.booking_of(slot).status == Booking.Status.BOOKED


def test_a_slot_on_another_weekday_or_in_the_past_is_refused(slot):
    with pytest.raises(ValidationError):
        f.booking_of(slot, day=next_week() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        f.booking_of(slot, day=next_week() - dt.timedelta(days=14))


def test_when_a_is_on_leave_that_day_the_booking_goes_to_b(slot, user):
    services.leave_record(
        actor=user("community1"), community=slot.service.community, person=user("grid1"), starts_on=next_week(), ends_on=next_week(), reason="年休假"
    )
    assert f.booking_of(slot).assignee == user("community1")
    # The day after the leave, A takes bookings again.
    assert f.booking_of(slot, day=next_week() + dt.timedelta(days=7)).assignee == user("grid1")


def test_leave_recorded_later_hands_open_bookings_of_those_days_to_b_and_tells_b(slot, user, django_capture_on_commit_callbacks):
    booking = f.booking_of(slot)
    later = f.booking_of(slot, day=next_week() + dt.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_record(
            actor=user("cc001"), community=slot.service.community, person=user("grid1"), starts_on=next_week(), ends_on=next_week(), reason="培训"
        )
    booking.refresh_from_db()
    later.refresh_from_db()
    assert booking.assignee == user("community1") and later.assignee == user("grid1")
    assert Notification.objects.filter(user=user("community1"), key=f"booking:{booking.pk}:{user('community1').pk}").exists()
    assert booking.events.last().note and booking.events.last().assignee == user("community1")
    queue = list(selectors.queue_for(user("grid1")))
    assert later in queue and booking not in queue and booking in selectors.queue_for(user("community1"))


def test_a_service_anyone_may_do_names_nobody_and_the_desk_sees_it(slot, user):
    slot.service.needs_ab = False
    slot.service.save(update_fields=["needs_ab"])
    booking = f.booking_of(slot)
    assert booking.assignee is None
    assert booking in selectors.queue_for(user("cc001"))
    assert booking not in selectors.queue_for(user("grid2"))


def test_only_the_handler_or_the_desk_closes_and_cannot_needs_a_reason(slot, user):
    booking = f.booking_of(slot)
    with pytest.raises(PermissionDenied):
        services.booking_close(actor=user("grid2"), booking=booking, status=Booking.Status.DONE)
    with pytest.raises(PermissionDenied):
        services.booking_close(actor=user("community2"), booking=booking, status=Booking.Status.DONE)
    with pytest.raises(ValidationError):
        services.booking_close(actor=user("grid1"), booking=booking, status=Booking.Status.CANNOT, reason="")
    services.booking_close(actor=user("grid1"), booking=booking, status=Booking.Status.DONE)
    assert list(booking.events.values_list("to_status", flat=True)) == [Booking.Status.BOOKED, Booking.Status.DONE]
    with pytest.raises(ValidationError):
        services.booking_close(actor=user("community1"), booking=booking, status=Booking.Status.CANNOT, reason="材料不全")


def test_a_stale_copy_cannot_close_a_booking_already_cancelled(slot, user):
    booking = f.booking_of(slot)
    stale = Booking.objects.get(pk=booking.pk)
    services.booking_cancel(booking=booking)
    with pytest.raises(ValidationError):
        services.booking_close(actor=user("grid1"), booking=stale, status=Booking.Status.DONE)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_the_no_show_job_marks_passed_appointments_once(slot):
    booking = f.booking_of(slot)
    kept = f.booking_of(slot, day=next_week() + dt.timedelta(days=7))
    after_slot = booking.ends_at + dt.timedelta(minutes=1)
    due = Booking.objects.filter(status=Booking.Status.BOOKED, ends_at__lt=after_slot).count()
    # Batches of one: the job goes on until nothing is left, and a second run finds nothing.
    assert services.bookings_mark_no_shows(now=after_slot, batch=1) == due
    assert services.bookings_mark_no_shows(now=after_slot) == 0
    booking.refresh_from_db()
    kept.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW and kept.status == Booking.Status.BOOKED
    assert BookingEvent.objects.filter(booking=booking, to_status=Booking.Status.NO_SHOW).count() == 1


def test_proxy_handling_is_due_after_the_time_limit_in_working_days(slot):
    booking = f.booking_of(slot, kind=Booking.Kind.PROXY)
    assert booking.kind == Booking.Kind.PROXY and booking.slot is None and booking.address
    assert booking.due_on > timezone.localdate()
    with pytest.raises(ValidationError):
        services.booking_create(service=slot.service, kind=Booking.Kind.PROXY, name="李", phone="13800138000")


def test_figures_count_bookings_no_shows_and_proxy_done_on_time(slot, user):
    community = slot.service.community
    before = {
        row["key"]: row
        for row in selectors.booking_figures(community, since=timezone.now() - dt.timedelta(days=1), until=timezone.now() + dt.timedelta(days=1))
    }
    done = f.booking_of(slot, kind=Booking.Kind.PROXY)
    services.booking_close(actor=user("grid1"), booking=done, status=Booking.Status.DONE)
    late = f.booking_of(slot, kind=Booking.Kind.PROXY)
    Booking.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    late.refresh_from_db()
    services.booking_close(actor=user("grid1"), booking=late, status=Booking.Status.DONE)
    rows = {
        row["key"]: row
        for row in selectors.booking_figures(community, since=timezone.now() - dt.timedelta(days=1), until=timezone.now() + dt.timedelta(days=1))
    }
    assert rows["proxy_on_time"]["numerator"] == before["proxy_on_time"]["numerator"] + 1
    assert rows["proxy_on_time"]["denominator"] == before["proxy_on_time"]["denominator"] + 2
    assert rows["bookings_done"]["denominator"] == before["bookings_done"]["denominator"] + 2
    assert rows["no_shows"]["denominator_label"] and rows["proxy_on_time"]["denominator_label"]
