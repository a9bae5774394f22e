"""Residents book over the public API as on the public page: no login, the page's form and service, the page's hourly
limits (shared with it), refusals in Chinese in the one error shape, and never a 500 on junk."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from community_services.models import Booking, ServiceItem
from community_services.selectors import slot_taken
from core.personal_data import decrypt
from governance.public_forms import LIMIT_PER_ADDRESS, LIMIT_PER_PHONE

pytestmark = pytest.mark.django_db

PROXY = {"name": "李四", "phone": "13912345678", "kind": "proxy", "address": "和平小区3号楼2单元", "needs": "代办高龄津贴申领"}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def service() -> ServiceItem:
    return ServiceItem.objects.get(community__name="和平社区", name="居住证明开具")


def _url(service, code=None, pk=None) -> str:
    return reverse("api-public-booking", kwargs={"code": code or service.community.code, "pk": pk or service.pk})


def test_a_resident_books_an_appointment_without_login_and_gets_the_code_of_the_booking_page(service, django_capture_on_commit_callbacks):
    slot = service.slots.get()
    day = timezone.localdate() + dt.timedelta(days=(slot.weekday - timezone.localdate().weekday()) % 7 + 7)
    catalogue = APIClient().get(reverse("api-public-services", kwargs={"code": service.community.code})).json()["results"]
    offered = next(row for row in catalogue if row["id"] == service.pk)
    assert [row["id"] for row in offered["slots"]] == [slot.pk] and "person_a" not in offered
    with django_capture_on_commit_callbacks(execute=True):
        answer = APIClient().post(
            _url(service), {"name": "王五", "phone": "139 1234 5678", "kind": "appointment", "day": day.isoformat(), "slot": slot.pk}, format="json"
        )
    assert answer.status_code == 201, answer.content
    booking = Booking.objects.get(tracking_code=answer.json()["tracking_code"])
    assert (booking.service, booking.slot, booking.day, booking.status) == (service, slot, day, Booking.Status.BOOKED)
    assert decrypt(booking.phone_enc) == "13912345678" and booking.name_masked != "王五"
    assert answer.json()["page"].endswith(reverse("public-booking", kwargs={"code": booking.tracking_code}))
    assert "王五" not in answer.content.decode() and "13912345678" not in answer.content.decode()
    assert booking.events.get().actor is None


def test_a_logged_in_worker_books_through_it_as_a_resident_with_no_session_or_csrf_read(service, user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user("community2"))
    answer = client.post(_url(service), PROXY, format="json")
    assert answer.status_code == 201
    assert Booking.objects.get(tracking_code=answer.json()["tracking_code"]).events.get().actor is None


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**PROXY, "phone": "12345"}, "phone", "手机号"),
        ({**PROXY, "kind": "visit"}, "kind", "选择一个有效的选项"),
        ({**PROXY, "name": ""}, "name", "必填"),
        ({**PROXY, "kind": "appointment"}, "slot", "时段"),
        ({**PROXY, "address": "", "needs": ""}, "address", "地址"),
        ({**PROXY, "kind": "appointment", "day": "2020-01-01", "slot": "abc"}, "slot", "选择一个有效的选项"),
    ],
)
def test_bad_input_is_a_400_in_chinese_naming_the_field_and_books_nothing(service, body, field, message):
    before = Booking.objects.count()
    answer = APIClient().post(_url(service), body, format="json")
    assert answer.status_code == 400
    assert answer.json()["message"] == "提交的数据有误。"
    assert message in " ".join(answer.json()["extra"]["fields"][field])
    assert Booking.objects.count() == before


def test_attack_flooding_from_one_phone_stops_at_the_pages_limit_shared_with_the_page(client, service):
    # One booking on the page, the rest over the API: the same counter.
    page = client.post(reverse("public-service-book", kwargs={"code": service.community.code, "pk": service.pk}), {**PROXY, "website": ""})
    assert page.status_code == 302
    codes = [APIClient().post(_url(service), PROXY, format="json").status_code for _ in range(LIMIT_PER_PHONE + 2)]
    assert codes == [201] * (LIMIT_PER_PHONE - 1) + [429] * 3
    refused = APIClient().post(_url(service), PROXY, format="json")
    assert refused.json()["message"] == "一小时内提交次数过多，请直接联系网格员或稍后再试。"
    assert Booking.objects.filter(service=service, needs=PROXY["needs"]).count() == LIMIT_PER_PHONE


def test_attack_flooding_from_one_address_with_fresh_phones_stops_at_the_address_limit(service):
    codes = [APIClient().post(_url(service), {**PROXY, "phone": f"1391234{index:04d}"}, format="json").status_code for index in range(LIMIT_PER_ADDRESS + 2)]
    assert codes == [201] * LIMIT_PER_ADDRESS + [429] * 2


def test_attack_a_filled_honeypot_is_a_400_and_books_nothing(service):
    before = Booking.objects.count()
    answer = APIClient().post(_url(service), {**PROXY, "website": "http://spam.example"}, format="json")
    assert answer.status_code == 400 and "未能提交" in str(answer.json()["extra"])
    assert Booking.objects.count() == before


def test_unknown_codes_services_of_another_community_and_inactive_ones_answer_404(service):
    other = ServiceItem.objects.get(community__name="幸福社区", name="居住证明开具")
    assert APIClient().post(_url(service, pk=other.pk), PROXY, format="json").status_code == 404
    for code in ("999999999999", "abc", "１２３"):
        assert APIClient().post(_url(service, code=code), PROXY, format="json").status_code == 404
        assert APIClient().get(reverse("api-public-services", kwargs={"code": code})).status_code == 404
    ServiceItem.objects.filter(pk=service.pk).update(active=False)
    assert APIClient().post(_url(service), PROXY, format="json").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        ["not", "an", "object"],
        "text",
        42,
        {},
        {**PROXY, "slot": [1, 2]},
        {**PROXY, "slot": True},
        {**PROXY, "slot": 10**30},
        {**PROXY, "day": "2026-02-30", "kind": "appointment"},
        {**PROXY, "day": {"y": 2026}, "kind": "appointment"},
        {**PROXY, "name": {"a": 1}, "phone": None},
        {**PROXY, "name": "李" * 10_000},
        {**PROXY, "needs": "\x00"},
        {**PROXY, "kind": ["proxy"]},
    ],
)
def test_junk_never_gives_a_500(service, body):
    answer = APIClient().post(_url(service), body, format="json")
    assert answer.status_code in {201, 400}, answer.content
    assert "message" in answer.json()


def test_a_date_sent_as_an_object_or_a_number_is_named_in_the_400(service):
    for day in ({"y": 2026}, 20260501):
        answer = APIClient().post(_url(service), {**PROXY, "kind": "appointment", "day": day}, format="json")
        assert answer.status_code == 400 and answer.json()["extra"]["fields"]["day"] == ["此字段请以单个文本值提交。"]


def test_a_retried_booking_with_its_idempotency_key_answers_the_first_even_when_it_took_the_last_place(service):
    slot = service.slots.get()
    day = timezone.localdate() + dt.timedelta(days=(slot.weekday - timezone.localdate().weekday()) % 7 + 7)
    type(slot).objects.filter(pk=slot.pk).update(capacity=slot_taken(slot, day) + 1)
    body = {"name": "王五", "phone": "13912345678", "kind": "appointment", "day": day.isoformat(), "slot": slot.pk}
    first = APIClient().post(_url(service), body, format="json", HTTP_IDEMPOTENCY_KEY="phone-retry-1")
    assert first.status_code == 201, first.content
    again = APIClient().post(_url(service), body, format="json", HTTP_IDEMPOTENCY_KEY="phone-retry-1")
    assert again.status_code == 201 and again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Booking.objects.filter(slot=slot, day=day, phone_hash=Booking.objects.get(tracking_code=first.json()["tracking_code"]).phone_hash).count() == 1
    # The same key with another body is refused, never answered with the first booking.
    other = APIClient().post(_url(service), PROXY | {"phone": "13912345678"}, format="json", HTTP_IDEMPOTENCY_KEY="phone-retry-1")
    assert other.status_code == 409 and first.json()["tracking_code"] not in other.content.decode()
    # Another resident who picks the same key books for themselves; without a key, the full slot is refused as before.
    neighbour = APIClient().post(_url(service), PROXY | {"phone": "13600002222"}, format="json", HTTP_IDEMPOTENCY_KEY="phone-retry-1", REMOTE_ADDR="10.9.0.2")
    assert neighbour.status_code == 201 and neighbour.json()["tracking_code"] != first.json()["tracking_code"]
    assert APIClient().post(_url(service), body | {"phone": "13700001111"}, format="json", REMOTE_ADDR="10.9.0.3").status_code == 400
