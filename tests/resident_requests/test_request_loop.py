"""The loop tells the truth: every stage has its deadline, the next person is told at each hand-over, patrol finds are handled on the spot."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from governance.models import Membership, User
from governance.roles import Role
from grids.services import patrol_start
from households.models import Household
from oversight.figures import request_figures
from resident_requests import selectors
from resident_requests.lifecycle import HandlingLevel, Stage, Status, TimelineAction
from resident_requests.models import Category, RequestPhoto, ResidentRequest
from resident_requests.services.escalation import requests_sweep
from resident_requests.services.workflow import request_accept, request_answer, request_dispatch, request_handle, request_take, request_verify

pytestmark = pytest.mark.django_db


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("after.jpg", buffer.getvalue(), content_type="image/jpeg")


def sent_about(outbox, request, prefix: str) -> list[str]:
    return [n.user.username for n in outbox if n.key.startswith(prefix) and n.key.endswith(f":{request.pk}")]


def move_clock(request, **fields) -> None:
    """Move this request's clock, not the world's."""
    ResidentRequest.objects.filter(pk=request.pk).update(**fields)


def sweep_twice(capture) -> list[dict]:
    results = []
    for _ in range(2):
        with capture(execute=True):
            results.append(requests_sweep())
    return results


def handled(new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    request = request_take(resident_request=request, actor=grid1)
    return request_handle(resident_request=request, actor=grid1, result_note="已更换楼道灯泡")


def test_a_request_nobody_accepts_moves_up_at_its_accepting_deadline_once(new_request, user, outbox, django_capture_on_commit_callbacks):
    request = new_request()
    now = timezone.now()
    move_clock(request, stage_started_at=now - dt.timedelta(hours=9), remind_at=now - dt.timedelta(hours=1), stage_deadline=now + dt.timedelta(hours=1))
    sweep_twice(django_capture_on_commit_callbacks)
    # The cadres who accept are reminded at 80%, once; the grid worker cannot accept and is not.
    assert "community1" in sent_about(outbox, request, "remind-") and "grid1" not in sent_about(outbox, request, "remind-")
    assert len(sent_about(outbox, request, "remind-")) == len(set(sent_about(outbox, request, "remind-")))
    move_clock(request, stage_deadline=now - dt.timedelta(minutes=1))
    outbox.clear()
    sweep_twice(django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert (request.status, request.level, request.stage, request.escalation_count) == (Status.SUBMITTED, HandlingLevel.COMMUNITY, Stage.ACCEPT, 1)
    assert request.stage_deadline > now and request.timeline.filter(action=TimelineAction.ESCALATE).count() == 1
    assert [n.key.split(":")[0] for n in outbox if n.user.username == "community1"] == ["escalated-community"]
    # Accepted at the level above, it still counts as accepted late.
    assert request_accept(resident_request=request, actor=user("community1")).accepted_on_time is False


def test_a_request_handled_in_time_is_not_late_while_it_waits_for_verification(new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    request = request_take(resident_request=request, actor=grid1)
    handle_due = timezone.now() + dt.timedelta(minutes=1)
    move_clock(request, stage_deadline=handle_due, handle_deadline=handle_due)
    request.refresh_from_db()
    request = request_handle(resident_request=request, actor=grid1, result_note="已更换楼道灯泡")
    assert request.handled_on_time is True and request.stage == Stage.VERIFY
    later = handle_due + dt.timedelta(minutes=5)
    assert request.stage_deadline > later and request.handle_deadline == handle_due
    assert not selectors.overdue_for(community1, later).filter(pk=request.pk).exists()


def test_a_late_verification_is_reported_to_the_level_above_once(new_request, user, outbox, django_capture_on_commit_callbacks):
    request = handled(new_request, user)
    now = timezone.now()
    move_clock(request, remind_at=now - dt.timedelta(hours=2), stage_deadline=now - dt.timedelta(hours=1))
    results = sweep_twice(django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert sent_about(outbox, request, "supervise-") == ["street1"]
    assert (results[0]["supervised"] >= 1, results[1]["supervised"]) == (True, 0)
    assert request.timeline.filter(action=TimelineAction.SUPERVISE).count() == 1 and request.status == Status.HANDLED
    late = next(
        row
        for row in request_figures(ResidentRequest.objects.filter(pk=request.pk), start=now - dt.timedelta(days=1), end=now + dt.timedelta(days=1))
        if row["key"] == "late"
    )
    assert (late["numerator"], late["denominator"]) == (1, 1)
    # Verified late, it stays counted late.
    assert request_verify(resident_request=request, actor=user("community1"), passed=True).verified_on_time is False


def test_every_hand_over_tells_the_person_who_must_act_next(new_request, user, outbox, django_capture_on_commit_callbacks):
    community1, grid1 = user("community1"), user("grid1")
    cadre = User.objects.create_user("cadre_x", password="x-pass-2026-long", full_name="两委委员")
    Membership.objects.create(user=cadre, role=Role.COMMUNITY_CADRE, community=grid1.memberships.get().grid.community)
    with django_capture_on_commit_callbacks(execute=True):
        request = request_accept(resident_request=new_request(), actor=community1)
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = request_dispatch(resident_request=request, actor=community1, handler=grid1)
    assert sent_about(outbox, request, "next-") == ["grid1"]
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = request_handle(resident_request=request_take(resident_request=request, actor=grid1), actor=grid1, result_note="已更换楼道灯泡")
    # The cadre who dispatched checks the work they sent.
    assert sent_about(outbox, request, "next-") == ["community1"]
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = request_verify(resident_request=request, actor=cadre, passed=False, note="灯还是不亮")
    assert sent_about(outbox, request, "next-") == ["grid1"]
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = request_handle(resident_request=request, actor=grid1, result_note="换了镇流器")
        request = request_verify(resident_request=request, actor=cadre, passed=True)
    assert sent_about(outbox, request, "next-") == ["community1", "community1"]
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_answer(resident_request=request, actor=cadre, answer_note="已修好，请您看看")
    assert sent_about(outbox, request, "next-") == ["community1"]


def test_a_problem_handled_on_the_spot_goes_to_verification_and_into_the_patrol(login, user, outbox, django_capture_on_commit_callbacks):
    grid1 = user("grid1")
    grid = grid1.memberships.get().grid
    patrol = patrol_start(actor=grid1, grid=grid)
    client = login("grid1")
    form = {
        "source": "patrol",
        "category": Category.objects.get(code="property-3").pk,
        "urgency": "scheduled",
        "description": "楼道堆放纸箱堵住通道",
        "grid": grid.pk,
        "handled_on_spot": "on",
        "result_note": "已和住户一起清走纸箱",
    }
    refused = client.post(reverse("request-intake"), form)
    assert refused.status_code == 200 and "result_photos" in refused.context["form"].errors
    assert not ResidentRequest.objects.filter(patrol=patrol).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("request-intake"), {**form, "result_photos": [photo()]})
    request = ResidentRequest.objects.get(patrol=patrol)
    assert (request.status, request.stage, request.handler, request.handled_on_time) == (Status.HANDLED, Stage.VERIFY, grid1, True)
    assert request.photos.filter(kind=RequestPhoto.Kind.RESULT).count() == 1
    assert request.timeline.filter(action=TimelineAction.REPORT_HANDLED).count() == 1
    assert "community1" in sent_about(outbox, request, "next-") and "grid1" not in sent_about(outbox, request, "next-")
    today = client.get(reverse("today")).context["patrols_today"]
    assert [(p.pk, p.reports["reported"], p.reports["handled"]) for p in today] == [(patrol.pk, 1, 1)]


def test_overdue_lists_say_where_each_request_is_stuck(new_request, user, login):
    community1, grid1 = user("community1"), user("grid1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    move_clock(request, stage_deadline=timezone.now() - dt.timedelta(days=3, hours=1))
    rows = login("community1").get(reverse("request-overdue")).context["rows"]
    row = next(row for row in rows if row["pk"] == request.pk)
    assert (row["days_overdue"], row["waiting_on"], row["level_label"]) == (3, grid1.full_name, HandlingLevel.GRID.label)
    district = user("district").memberships.get().district
    page = login("district").get(reverse("dashboard", args=["district", district.pk]))
    assert page.context["overdue"] and all(row["waiting_on"] and row["status_label"] for row in page.context["overdue"])
    assert page.content.decode().count('<th scope="col">') == 7


def test_my_requests_shows_how_many_wait_for_me(new_request, user, login):
    community1, grid1 = user("community1"), user("grid1")
    request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    body = login("grid1").get(reverse("today")).content.decode()
    assert f"data-waiting>{selectors.my_queue(grid1).count()}<" in body


def test_categories_are_chosen_in_two_levels_on_every_form(client, login, user):
    household = Household.objects.filter(grid=user("grid1").memberships.get().grid, status="active").first()
    forms = [client.get(reverse("public-report", args=[household.public_token])), login("grid1").get(reverse("request-intake"))]
    for response in forms:
        body = response.content.decode()
        assert '<optgroup label="物业管理">' in body and 'type="tel"' in body


def test_the_resident_is_told_what_happens_next_and_by_when(client, new_request):
    request = new_request()
    body = client.get(reverse("public-track", args=[request.tracking_code])).content.decode()
    due = timezone.localtime(request.stage_deadline)
    assert "data-next" in body and f"{due:%Y-%m-%d %H:%M}" in body


def test_a_refused_form_lists_its_errors_at_the_top_with_links_and_no_orphan_labels(login, user):
    grid = user("grid1").memberships.get().grid
    body = login("grid1").post(reverse("request-intake"), {"source": "patrol", "grid": grid.pk, "description": "短"}).content.decode()
    summary = body.split("data-error-summary", 1)[1].split("</ul>", 1)[0]
    assert 'href="#id_category"' in summary and 'href="#id_urgency"' in summary
    assert 'for="id_source"' not in body


def test_the_api_takes_a_problem_handled_on_the_spot_with_its_photos(api, user):
    grid = user("grid1").memberships.get().grid
    body = {"category": Category.objects.get(code="property-3").pk, "description": "单元门口垃圾堆放", "grid": grid.pk, "result_note": "已清运"}
    client = api("grid1")
    refused = client.post("/api/requests/handled-on-spot/", body, format="multipart")
    assert refused.status_code == 400 and "result_photos" in refused.json()["extra"]["fields"]
    created = client.post("/api/requests/handled-on-spot/", {**body, "result_photos": [photo()]}, format="multipart")
    assert created.status_code == 201
    request = ResidentRequest.objects.get(public_id=created.json()["public_id"])
    assert (request.status, request.stage, request.handler) == (Status.HANDLED, Stage.VERIFY, user("grid1"))
    # Only the grid's own workers report what they handled on the spot.
    assert api("community1").post("/api/requests/handled-on-spot/", {**body, "result_photos": [photo()]}, format="multipart").status_code == 403


def test_accept_and_take_are_one_tap_and_withdraw_is_not_a_main_action(new_request, user, login):
    request = new_request()
    body = login("community1").get(reverse("request-detail", args=[request.pk])).content.decode()
    assert 'data-one-click="accept"' in body and "<summary" in body
    withdraw = body.split(f'action="{reverse("request-act", args=[request.pk, "withdraw"])}"', 1)[1].split("</form>", 1)[0]
    assert "btn-outline-secondary" in withdraw and "btn-party" not in withdraw


def test_dispatch_choices_are_grouped_by_role_with_the_grids_own_workers_first_and_their_load(new_request, user, login):
    community1, grid1 = user("community1"), user("grid1")
    request = request_accept(resident_request=new_request(), actor=community1)
    body = login("community1").get(reverse("request-detail", args=[request.pk])).content.decode()
    select = body.split('name="handler"', 1)[1].split("</select>", 1)[0]
    groups = select.split("<optgroup")
    assert 'label="本网格网格员"' in groups[1] and f'value="{grid1.pk}"' in groups[1]
    open_now = ResidentRequest.objects.filter(handler=grid1, status__in=[Status.DISPATCHED, Status.TAKEN, Status.IN_PROGRESS]).count()
    assert f"在办 {open_now} 件" in groups[1] and 'label="社区干部"' in select
