"""The person a booking is handed to may see the resident's contact to do the job, with a purpose, logged; nobody else."""

import pytest
from django.urls import reverse

from community_services.models import Booking
from governance.models import PersonalDataLog

pytestmark = pytest.mark.django_db


def open_booking():
    return Booking.objects.filter(status=Booking.Status.BOOKED, assignee__isnull=False, community__name="幸福社区").select_related("assignee").first()


def test_the_handler_sees_the_contact_with_a_purpose_and_it_is_logged(client):
    booking = open_booking()
    client.force_login(booking.assignee)
    response = client.post(reverse("service-booking-reveal", args=[booking.pk]), {"purpose": "handle_booking", "reason": "电话确认上门代办时间"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-revealed" in page and booking.phone_masked not in page.split("data-revealed", 1)[1][:200]
    log = PersonalDataLog.objects.filter(user=booking.assignee, object_id=str(booking.pk)).latest("at")
    assert set(log.fields) == {"name", "phone"} and log.purpose == "handle_booking"


def test_someone_without_the_duty_cannot_and_a_closed_booking_shows_nothing(login, api):
    booking = open_booking()
    # The attack: a volunteer of the same community asks for the contact through the API.
    answer = api("volunteer1").post(f"/api/bookings/{booking.pk}/reveal/", {"purpose": "handle_booking", "reason": "想联系一下"}, format="json")
    assert answer.status_code in (403, 404)
    assert not PersonalDataLog.objects.filter(object_id=str(booking.pk), kind=PersonalDataLog.Kind.REVEAL).exists()
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.DONE)
    client = login(booking.assignee.username)
    assert client.post(reverse("service-booking-reveal", args=[booking.pk]), {"purpose": "handle_booking", "reason": "事后再看看"}).status_code == 400
