"""The field app's server side: what a phone may keep, replays that never run twice, conflicts that say who and when."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from governance.models import IdempotentPost, User
from governance.roles import Role
from households.models import Household, Visit
from households.services import household_archive
from resident_requests.lifecycle import Status
from resident_requests.models import RequestPhoto
from resident_requests.services.workflow import request_answer, request_dispatch, request_take
from tests.factories import ResidentRequestFactory, UserFactory, cadre_of

pytestmark = pytest.mark.django_db


def grid_of(username):
    return User.objects.get(username=username).memberships.get().grid


def household_in(username) -> Household:
    return Household.objects.filter(grid=grid_of(username), status=Household.Status.ACTIVE).order_by("pk").first()


def visit_body(**extra):
    return {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "door", "findings": "老人身体还好", **extra}


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("v.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_replayed_visit_is_recorded_once_with_its_photo(login):
    """The attack of a flaky network: the phone sends the same queued visit three times."""
    household = household_in("grid1")
    client = login("grid1")
    url = reverse("visit-create", args=[household.pk])
    before = household.visits.count()
    answers = [client.post(url, visit_body(photo=jpeg()), HTTP_IDEMPOTENCY_KEY="visit-7f3a") for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert answers[0]["Location"] == answers[2]["Location"] and answers[2]["Idempotent-Replayed"] == "true"
    assert household.visits.count() == before + 1
    assert household.visits.latest("pk").photo.name


def test_a_refused_post_is_not_remembered_and_a_key_is_one_users(login, user):
    household = household_in("grid1")
    url = reverse("visit-create", args=[household.pk])
    client = login("grid1")
    assert client.post(url, visit_body(visited_at="never"), HTTP_IDEMPOTENCY_KEY="k-1").status_code == 200
    assert not IdempotentPost.objects.filter(key="k-1").exists()
    assert client.post(url, visit_body(), HTTP_IDEMPOTENCY_KEY="k-1").status_code == 302
    # The same key for another form is refused, not answered with the first form's result.
    other = reverse("visit-create", args=[Household.objects.filter(grid=grid_of("grid1")).exclude(pk=household.pk).first().pk])
    assert client.post(other, visit_body(), HTTP_IDEMPOTENCY_KEY="k-1").status_code == 422
    # Another user's identical key is their own: their visit is recorded.
    count = household.visits.count()
    assert login("gp0001").post(url, visit_body(), HTTP_IDEMPOTENCY_KEY="k-1").status_code == 302
    assert household.visits.count() == count + 1


def test_a_take_that_arrives_late_says_who_took_it_first(login):
    grid = grid_of("grid1")
    req = ResidentRequestFactory(grid=grid, status=Status.ACCEPTED)
    request_dispatch(resident_request=req, actor=cadre_of(grid.community), handler=None)
    rival = User.objects.get(username="gp0001")
    request_take(resident_request=req, actor=rival)
    response = login("grid1").post(reverse("request-act", args=[req.pk, "take"]), HTTP_IDEMPOTENCY_KEY="take-1")
    assert response.status_code == 409
    page = response.content.decode()
    assert (rival.full_name or rival.username) in page and "接单" in page and "未执行" in page
    assert not IdempotentPost.objects.filter(key="take-1").exists()


def test_two_cadres_on_one_board_the_later_answer_is_told_who_answered_first(login, user):
    grid = grid_of("grid1")
    req = ResidentRequestFactory(grid=grid, status=Status.VERIFIED)
    rival = UserFactory(role=Role.COMMUNITY_CADRE, node=grid.community, full_name="李干事")
    request_answer(resident_request=req, actor=rival, answer_note="已向居民电话说明处理结果")
    response = login("community1").post(reverse("request-act", args=[req.pk, "answer"]), {"answer_note": "已答复"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "李干事" in page and "答复" in page and "未执行" in page


def test_a_cadre_on_desk_and_phone_is_told_the_second_accept_was_already_done_by_them(login):
    req = ResidentRequestFactory(grid=grid_of("grid1"), status=Status.SUBMITTED)
    desk, phone = login("community1"), login("community1")
    page = phone.get(reverse("request-detail", args=[req.pk])).content.decode()
    assert reverse("request-act", args=[req.pk, "accept"]) in page
    assert desk.post(reverse("request-act", args=[req.pk, "accept"])).status_code == 302
    response = phone.post(reverse("request-act", args=[req.pk, "accept"]))
    assert response.status_code == 409
    text = response.content.decode()
    assert "未执行：您 已于" in text and "受理" in text
    assert req.timeline.filter(action="accept").count() == 1


def test_a_handle_replayed_keeps_one_result_photo(login):
    req = ResidentRequestFactory(grid=grid_of("grid1"), status=Status.IN_PROGRESS)
    client = login("grid1")
    url = reverse("request-act", args=[req.pk, "handle"])
    for _ in range(2):
        assert client.post(url, {"note": "灯已更换", "photos": [jpeg()]}, HTTP_IDEMPOTENCY_KEY="handle-9").status_code == 302
    req.refresh_from_db()
    assert req.status == Status.HANDLED and RequestPhoto.objects.filter(request=req, kind=RequestPhoto.Kind.RESULT).count() == 1


def test_a_visit_to_a_household_archived_meanwhile_is_kept_for_review(login, user):
    household = household_in("grid1")
    due = household.next_visit_due
    household_archive(actor=user("community1"), household=household, moved_out_on=timezone.localdate())
    response = login("grid1").post(reverse("visit-create", args=[household.pk]), visit_body(findings="已搬走，邻居说去了女儿家"))
    assert response.status_code == 302
    visit = household.visits.latest("pk")
    assert visit.needs_review
    household.refresh_from_db()
    assert household.next_visit_due == due
    cadre = login("community1")
    assert "已搬走" in cadre.get(reverse("visits-due")).content.decode()
    assert cadre.post(reverse("visit-reviewed", args=[visit.pk])).status_code == 302
    assert not Visit.objects.get(pk=visit.pk).needs_review
    # Twice is refused in words through the API; a grid worker of another community cannot even find it.
    api_answer = cadre.post(f"/api/visits/{visit.pk}/reviewed/")
    assert api_answer.status_code == 400
    assert login("grid3").post(reverse("visit-reviewed", args=[visit.pk])).status_code == 404


def test_the_phone_keeps_only_the_workers_own_grid(login):
    pages = login("grid1").get(reverse("offline-pages")).json()["pages"]
    own = household_in("grid1")
    assert reverse("today") in pages and reverse("household-detail", args=[own.pk]) in pages and reverse("visit-create", args=[own.pk]) in pages
    assert reverse("household-detail", args=[household_in("grid3").pk]) not in pages
    assert all(page.startswith("/") for page in pages)
    # A desk cadre has no field app: nothing to keep.
    assert login("community1").get(reverse("offline-pages")).status_code == 404


def test_manifest_worker_and_logout(client, login):
    manifest = client.get(reverse("manifest")).json()
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/today/") and manifest["name"]
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    worker = client.get(reverse("service-worker"))
    assert worker["Content-Type"].startswith("text/javascript") and worker["Service-Worker-Allowed"] == "/"
    assert "no-cache" in worker["Cache-Control"] or "max-age=0" in worker["Cache-Control"]
    page = login("grid1").get(reverse("today")).content.decode()
    assert 'rel="manifest"' in page and "data-offline-user" in page and "data-sync-badge" in page
    assert 'rel="manifest"' not in login("community1").get(reverse("home"), follow=True).content.decode()
    assert login("grid1").post(reverse("logout"))["Clear-Site-Data"] == '"cache", "storage"'
