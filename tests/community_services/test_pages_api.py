"""Scope (a community sees only its own catalogue and bookings; the district sees all), the public pages, the API and query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from community_services.models import Booking, ServiceItem, TimeSlot
from governance.models import Community
from tests import factories as f

pytestmark = pytest.mark.django_db


def service_of(name: str) -> ServiceItem:
    return ServiceItem.objects.get(community__name=name, name="居住证明开具")


def test_a_community_sees_only_its_own_catalogue_and_bookings_the_district_sees_all(login, api):
    own, other, outside = service_of("幸福社区"), service_of("和平社区"), service_of("外区社区")
    page = login("community1").get(reverse("service-catalogue")).content.decode()
    assert reverse("service-edit", kwargs={"pk": own.pk}) in page and reverse("service-edit", kwargs={"pk": other.pk}) not in page
    assert login("community1").get(reverse("service-edit", kwargs={"pk": other.pk})).status_code == 404
    ids = {row["id"] for row in api("community1").get("/api/bookings/").json()["results"]}
    assert ids == set(Booking.objects.filter(community=own.community).values_list("pk", flat=True))
    district = {row["id"] for row in api("district").get("/api/services/", {"page_size": 200}).json()["results"]}
    assert {own.pk, other.pk} <= district and outside.pk not in district
    other_booking = other.bookings.first()
    assert api("community1").get(f"/api/bookings/{other_booking.pk}/").status_code == 404
    assert login("community1").get(reverse("service-booking", kwargs={"pk": other_booking.pk})).status_code == 404
    assert api("district").get(f"/api/bookings/{other_booking.pk}/").status_code == 200


def test_a_grid_worker_sees_what_is_handed_to_them_but_cannot_keep_the_list(login, api):
    booking = service_of("幸福社区").bookings.first()
    assert booking.tracking_code in login("grid1").get(reverse("service-queue")).content.decode()
    assert booking.tracking_code not in login("grid2").get(reverse("service-queue")).content.decode()
    assert login("grid1").get(reverse("service-catalogue")).status_code == 403
    assert api("grid1").post("/api/services/", {}, format="json").status_code == 403
    assert api("grid2").get(f"/api/bookings/{booking.pk}/").status_code == 404


def test_the_resident_books_on_the_public_pages_and_follows_the_code(client, django_capture_on_commit_callbacks):
    service = service_of("和平社区")
    catalogue = client.get(reverse("public-services", kwargs={"code": service.community.code}))
    assert catalogue.status_code == 200 and service.name in catalogue.content.decode()
    slot = service.slots.get()
    day = timezone.localdate() + dt.timedelta(days=14)
    data = {"name": "李四", "phone": "13912345678", "kind": "appointment", "day": day.isoformat(), "slot": slot.pk, "website": ""}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public-service-book", kwargs={"code": service.community.code, "pk": service.pk}), data)
    booking = Booking.objects.get(service=service, day=day)
    assert response.status_code == 302 and response["Location"] == reverse("public-booking", kwargs={"code": booking.tracking_code})
    status = client.get(response["Location"]).content.decode()
    assert "13912345678" not in status and "李四" not in status and day.isoformat() in status
    client.post(reverse("public-booking-cancel", kwargs={"code": booking.tracking_code}))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_public_form_refuses_a_filled_honeypot_a_bad_phone_and_unknown_codes(client):
    service = service_of("和平社区")
    url = reverse("public-service-book", kwargs={"code": service.community.code, "pk": service.pk})
    before = Booking.objects.count()
    base = {"name": "李四", "kind": "proxy", "address": "和平小区3号楼", "needs": "代办高龄津贴"}
    assert client.post(url, {**base, "phone": "13912345678", "website": "http://spam"}).status_code == 400
    assert client.post(url, {**base, "phone": "12345"}).status_code == 400
    assert Booking.objects.count() == before
    assert client.get(reverse("public-booking", kwargs={"code": "NOPE"})).status_code == 404
    assert client.get(reverse("public-services", kwargs={"code": "999999999999"})).status_code == 404
    other = service_of("幸福社区")
    assert client.get(reverse("public-service-book", kwargs={"code": service.community.code, "pk": other.pk})).status_code == 404


def test_the_card_page_and_the_community_link_show_the_catalogue(client, user):
    household = user("grid1").memberships.get().grid.households.first()
    link = reverse("public-services", kwargs={"code": household.grid.community.code})
    assert link in client.get(reverse("public-household", kwargs={"token": household.public_token})).content.decode()
    assert link in client.get(reverse("public-community-report", kwargs={"code": household.grid.community.code})).content.decode()


def test_the_api_closes_a_booking_and_records_leave_through_the_services(api, user):
    booking = service_of("幸福社区").bookings.first()
    refused = api("grid1").post(f"/api/bookings/{booking.pk}/close/", {"status": "cannot"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["extra"]["fields"]
    done = api("grid1").post(f"/api/bookings/{booking.pk}/close/", {"status": "done"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    leave = api("community1").post(
        "/api/service-leave/",
        {"community": booking.community_id, "person": user("grid1").pk, "starts_on": "2030-01-02", "ends_on": "2030-01-01", "reason": "年休假"},
        format="json",
    )
    assert leave.status_code == 400


def test_the_bookings_list_refuses_a_bad_filter_and_filters_by_status(login):
    client = login("community1")
    assert client.get(reverse("service-bookings"), {"status": "nonsense"}).status_code == 400
    assert client.get(reverse("service-bookings"), {"status": "done"}).status_code == 200


@pytest.mark.parametrize("extra", [0, 6])
def test_the_bookings_list_takes_the_same_queries_at_any_size(login, django_assert_num_queries, extra):
    community = Community.objects.get(name="幸福社区")
    slot = TimeSlot.objects.get(service__community=community, service__name="居住证明开具")
    slot.capacity = 20
    slot.save(update_fields=["capacity"])
    for _ in range(extra):
        f.booking_of(slot)
    client = login("community1")
    # session, user, memberships; the page's count; the menu's waiting requests and unread notifications; the service
    # filter's choices; the page of bookings joined to service, slot, handler and community. If this grows, a row loads something lazily.
    with django_assert_num_queries(8):
        assert client.get(reverse("service-bookings")).status_code == 200


def test_the_dashboard_shows_the_booking_figures_with_their_denominators(login, user):
    community = user("community1").memberships.get().community
    page = login("community1").get(reverse("dashboard", kwargs={"level": "community", "pk": community.pk})).content.decode()
    assert 'data-figure="no_shows"' in page and "时段已过的预约" in page and "已办结代办" in page
