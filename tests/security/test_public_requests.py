"""The tracking code is the resident's secret; staff notes stay internal; an Idempotency-Key never returns another caller's request."""

import datetime as dt
import importlib
import io

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from households.models import Household
from resident_requests.lifecycle import Status, TimelineAction
from resident_requests.models import Category, ResidentRequest, TimelineEntry
from resident_requests.services.intake import request_add_photos
from resident_requests.services.workflow import (
    request_accept,
    request_answer,
    request_dispatch,
    request_follow_up,
    request_handle,
    request_merge,
    request_take,
    request_verify,
)
from tests.resident_requests import conftest as requests_fixtures

pytestmark = pytest.mark.django_db
# A resident's request filed from grid1's first household, as the public form files it.
new_request = requests_fixtures.new_request
partner_key = requests_fixtures.partner_key

DISPATCH_NOTE = "内部：户主有精神病史，上门注意"
VERIFY_NOTE = "内部核查：王师傅只换了灯泡"
ANSWER = "楼道灯已更换，请您查看"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def photo(color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{color}.jpg", buffer.getvalue(), content_type="image/jpeg")


def answered(new_request, user, *, handle_public: bool = False) -> ResidentRequest:
    """A resident's request taken through the loop by the pages' services, with internal notes at dispatch and check."""
    community1, grid1 = user("community1"), user("grid1")
    request = new_request()
    request_add_photos(resident_request=request, files=[photo("red")])
    request = request_accept(resident_request=request, actor=community1)
    request = request_dispatch(resident_request=request, actor=community1, handler=grid1, note=DISPATCH_NOTE)
    request = request_take(resident_request=request, actor=grid1)
    marked = {"public": True} if handle_public else {}
    request = request_handle(resident_request=request, actor=grid1, result_note="已更换灯具", photos=[photo("blue")], **marked)
    request = request_verify(resident_request=request, actor=community1, passed=True, note=VERIFY_NOTE)
    return request_answer(resident_request=request, actor=community1, answer_note=ANSWER)


def open311_windows() -> list[dict]:
    """90-day windows (the longest Open311 allows) back over the demo's two years."""
    end = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    return [{"start_date": (end - dt.timedelta(days=90 * (i + 1))).isoformat(), "end_date": (end - dt.timedelta(days=90 * i)).isoformat()} for i in range(10)]


def open311_all(client) -> list[dict]:
    rows = {}
    for window in open311_windows():
        page = 1
        while batch := client.get("/open311/v2/requests.json", {**window, "page_size": 200, "page": page}).json():
            rows.update((row["service_request_id"], row) for row in batch)
            page += 1
    return list(rows.values())


def test_attack_anonymous_open311_list_reveals_no_tracking_code_and_no_handling_note(client, new_request, user):
    request = answered(new_request, user)
    rows = open311_all(client)
    assert len(rows) == ResidentRequest.objects.exclude(status=Status.MERGED).count()
    codes = set(ResidentRequest.objects.values_list("tracking_code", flat=True))
    assert not codes & {row["service_request_id"] for row in rows}
    body = str(rows) + "".join(client.get("/open311/v2/requests.xml", {**window, "page_size": 200}).content.decode() for window in open311_windows())
    assert not any(code in body for code in codes)
    for secret in (DISPATCH_NOTE, VERIFY_NOTE, "已更换灯具", ANSWER, request.description):
        assert secret not in body
    row = next(row for row in rows if row["service_request_id"] == request.public_id)
    assert row["status"] == "open" and row["status_notes"] == "请评价"
    # A tracking code no longer opens the Open311 item: only the public number does.
    assert client.get(f"/open311/v2/requests/{request.tracking_code}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{request.public_id}.json").json()[0]["service_request_id"] == request.public_id


def test_attack_rating_through_the_status_page_with_the_open311_id_is_impossible(client, new_request, user):
    request = answered(new_request, user)
    since = (request.created_at - dt.timedelta(minutes=1)).isoformat()
    published = client.get("/open311/v2/requests.json", {"service_code": request.category.code, "status": "open", "start_date": since}).json()
    assert published
    for row in published:
        response = client.post(reverse("public-track", args=[row["service_request_id"]]), {"rating": 5, "note": "anonymous third party"})
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Status.ANSWERED and request.rating is None and request.rating_note == ""


def test_attack_a_second_rating_of_the_same_answer_is_refused_with_a_clear_message(client, new_request, user):
    request = answered(new_request, user)
    page = reverse("public-track", args=[request.tracking_code])
    assert client.post(page, {"rating": 5, "note": "谢谢"}).status_code == 302
    second = client.post(page, {"rating": 1, "note": "重新打分"})
    assert second.status_code == 400
    assert "已经评价" in second.content.decode()
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.rating == 5 and request.redo_count == 0


def test_attack_two_ratings_sent_at_once_are_accepted_once_by_the_conditional_update(new_request, user):
    request = answered(new_request, user)
    first, second = ResidentRequest.objects.get(pk=request.pk), ResidentRequest.objects.get(pk=request.pk)
    request_follow_up(resident_request=first, rating=5)
    # The second still holds the page's "answered" status: only the conditional UPDATE can refuse it.
    assert second.status == Status.ANSWERED
    with pytest.raises(ValidationError, match="已经评价"):
        request_follow_up(resident_request=second, rating=1)
    request.refresh_from_db()
    assert request.rating == 5 and request.redo_count == 0 and request.timeline.filter(action__in=[TimelineAction.FOLLOW_UP, TimelineAction.REDO]).count() == 1


def test_attack_staff_lists_and_other_peoples_pages_never_show_the_tracking_code(api, login, new_request, user):
    request = new_request()
    community1 = login("community1")
    pages = [
        reverse("request-board"),
        reverse("request-detail", args=[request.pk]),
        reverse("household-detail", args=[request.household_id]),
        "/dashboard/community/1/",
    ]
    for page in pages:
        content = community1.get(page).content.decode()
        assert request.tracking_code not in content, page
    assert request.public_id in community1.get(reverse("request-board")).content.decode()
    cadre = api("community1")
    for path in ("/api/requests/?page_size=200", f"/api/requests/{request.pk}/", f"/api/requests/{request.pk}/timeline/"):
        assert request.tracking_code not in cadre.get(path).content.decode(), path
    assert cadre.get(f"/api/requests/{request.pk}/").json()["public_id"] == request.public_id


def test_attack_merged_request_status_page_shows_no_other_request_code(client, new_request, user):
    community1 = user("community1")
    kept, duplicate = new_request(), new_request()
    request_merge(resident_request=duplicate, into=kept, actor=community1)
    page = client.get(reverse("public-track", args=[duplicate.tracking_code])).content.decode()
    assert kept.tracking_code not in page and kept.public_id not in page
    assert "已合并" in page and "已收到" in page


def test_attack_internal_dispatch_and_verification_notes_do_not_reach_the_resident(client, new_request, user):
    request = answered(new_request, user)
    page = client.get(reverse("public-track", args=[request.tracking_code])).content.decode()
    for internal in (DISPATCH_NOTE, VERIFY_NOTE, "已更换灯具", "grid1", user("grid1").full_name):
        assert internal not in page
    assert ANSWER in page
    for step in ("已收到", "正在办理", "已办结", "请评价"):
        assert step in page
    before, after = request.photos.order_by("id")
    for photo in (before, after):
        assert reverse("public-track-photo", args=[request.tracking_code, photo.pk, "full"]) in page


def test_a_note_marked_for_the_resident_reaches_the_status_page_and_the_form_says_which(client, login, new_request, user):
    request = answered(new_request, user, handle_public=True)
    assert "已更换灯具" in client.get(reverse("public-track", args=[request.tracking_code])).content.decode()
    fresh = new_request()
    form = login("community1").get(reverse("request-detail", args=[fresh.pk])).content.decode()
    assert 'name="public"' in form and "居民可见" in form and "仅内部" in form


def test_attack_api_action_note_is_internal_unless_public_is_true(api, client, new_request, user):
    request = new_request()
    cadre = api("community1")
    cadre.post(f"/api/requests/{request.pk}/accept/", {}, format="json")
    cadre.post(f"/api/requests/{request.pk}/dispatch/", {"handler": user("grid1").pk, "note": DISPATCH_NOTE}, format="json")
    worker = api("grid1")
    worker.post(f"/api/requests/{request.pk}/take/", {}, format="json")
    worker.post(f"/api/requests/{request.pk}/progress/", {"note": "已联系物业，明天上午更换", "public": True}, format="json")
    page = client.get(reverse("public-track", args=[request.tracking_code])).content.decode()
    assert DISPATCH_NOTE not in page and "已联系物业，明天上午更换" in page
    timeline = cadre.get(f"/api/requests/{request.pk}/timeline/").json()["results"]
    assert [entry["public"] for entry in timeline if entry["note"]] == [False, True]


def test_the_cadre_who_took_a_phone_case_reads_the_code_to_the_resident_and_nobody_else_sees_it(login, user):
    cadre = login("community1")
    grid = user("grid1").memberships.get().grid
    response = cadre.post(
        reverse("request-intake"),
        {
            "source": "hotline",
            "category": Category.objects.get(code="property-3").pk,
            "urgency": "scheduled",
            "description": "电话反映：楼道灯坏了",
            "grid": grid.pk,
        },
        follow=True,
    )
    created = ResidentRequest.objects.get(description="电话反映：楼道灯坏了")
    assert created.tracking_code in response.content.decode()
    other = login("cc001") if user("cc001").memberships.filter(community=grid.community).exists() else login("district")
    assert created.tracking_code not in other.get(reverse("request-detail", args=[created.pk])).content.decode()


def _card(index: int) -> str:
    return Household.objects.filter(status="active").order_by("id")[index].public_token


def test_attack_open311_reused_idempotency_key_from_one_partner_does_not_return_another_residents_request(client, partner_key):
    body = {"service_code": "sanitation-1", "description": "垃圾两天没人清运", "phone": "13900001111", "api_key": partner_key()}
    first = client.post("/open311/v2/requests.json", {**body, "address_id": _card(0)}, HTTP_IDEMPOTENCY_KEY="order-1")
    other = client.post("/open311/v2/requests.json", {**body, "address_id": _card(1), "phone": "13900002222"}, HTTP_IDEMPOTENCY_KEY="order-1")
    assert first.status_code == 201 and other.status_code == 409
    assert other.json()[0]["code"] == 409 and other.json()[0]["description"]
    mine = ResidentRequest.objects.get(description="垃圾两天没人清运")
    assert mine.tracking_code not in other.content.decode() and mine.public_id not in other.content.decode()
    replay = client.post("/open311/v2/requests.json", {**body, "address_id": _card(0)}, HTTP_IDEMPOTENCY_KEY="order-1")
    assert replay.status_code == 201 and replay.json()[0]["service_request_id"] == first.json()[0]["service_request_id"] == mine.public_id
    assert ResidentRequest.objects.filter(description="垃圾两天没人清运").count() == 1


def test_attack_api_reused_idempotency_key_with_another_payload_answers_409(api, user):
    grid = user("grid1").memberships.get().grid
    client = api("grid1")
    body = {"category": Category.objects.get(code="hazard-2").pk, "description": "楼道里有电动车充电", "grid": grid.pk, "building": 1}
    first = client.post("/api/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    assert first.status_code == 201 and first.json()["tracking_code"]
    reused = client.post("/api/requests/", {**body, "description": "另一件事：井盖丢了"}, format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    assert reused.status_code == 409
    assert set(reused.json()) == {"message", "extra"} and reused.json()["extra"]["header"] == "Idempotency-Key"
    assert first.json()["tracking_code"] not in reused.content.decode()
    too_long = client.post("/api/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert too_long.status_code == 400


def test_attack_public_form_reused_idempotency_key_shows_a_message_not_the_other_request(client):
    def post(token: str, description: str):
        data = {"category": Category.objects.get(code="property-3").pk, "description": description, "website": ""}
        return client.post(reverse("public-report", args=[token]), data, HTTP_IDEMPOTENCY_KEY="same-key")

    first = post(_card(0), "我家楼道灯坏了")
    assert first.status_code == 302
    mine = ResidentRequest.objects.get(description="我家楼道灯坏了")
    other = post(_card(1), "邻居家门口漏水")
    assert other.status_code == 200
    content = other.content.decode()
    assert "Idempotency-Key" in content and mine.tracking_code not in content
    assert not ResidentRequest.objects.filter(description="邻居家门口漏水").exists()


def test_attack_notes_the_old_code_published_are_hidden_by_the_migration(client, new_request, user):
    from django.apps import apps

    migration = importlib.import_module("resident_requests.migrations.0005_security_public_id")
    request = new_request()
    old = {"request": request, "from_status": request.status, "to_status": request.status, "level": request.level, "public": True}
    TimelineEntry.objects.create(action=TimelineAction.DISPATCH, note=DISPATCH_NOTE, actor=user("community1"), **old)
    TimelineEntry.objects.create(action=TimelineAction.FOLLOW_UP, note="居民自己的评价意见", **old)
    migration.hide_staff_notes(apps, None)
    page = client.get(reverse("public-track", args=[request.tracking_code])).content.decode()
    assert DISPATCH_NOTE not in page and "居民自己的评价意见" in page
