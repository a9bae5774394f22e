"""The closed loop: every allowed and every refused transition, the timeline, concurrency and the ladder."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.models import User
from governance.roles import Role
from notifications.models import Notification
from resident_requests.lifecycle import TRANSITIONS, HandlingLevel, Stage, Status, TimelineAction
from resident_requests.models import ResidentRequest, TimelineEntry
from resident_requests.services.alliance import alliance_meeting_assign
from resident_requests.services.escalation import request_escalate, requests_sweep
from resident_requests.services.intake import request_submit
from resident_requests.services.transition import Conflict, transition
from resident_requests.services.workflow import (
    request_accept,
    request_answer,
    request_dispatch,
    request_extension_ask,
    request_extension_decide,
    request_follow_up,
    request_handle,
    request_long_term,
    request_progress,
    request_refuse,
    request_return,
    request_take,
    request_verify,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("frm", list(Status.values))
@pytest.mark.parametrize("to", list(Status.values))
def test_the_transition_table_is_enforced(new_request, frm, to):
    request = new_request()
    ResidentRequest.objects.filter(pk=request.pk).update(status=frm)
    request.refresh_from_db()
    allowed = to in TRANSITIONS.get(frm, set())
    if allowed:
        moved = transition(request, to=to, actor=None, action=TimelineAction.NOTE)
        assert moved.status == to
        assert TimelineEntry.objects.filter(request=request, from_status=frm, to_status=to).exists()
    else:
        with pytest.raises(ValidationError):
            transition(request, to=to, actor=None, action=TimelineAction.NOTE)
        request.refresh_from_db()
        assert request.status == frm


def test_the_whole_loop_with_deadlines_and_on_time_flags(new_request, user):
    request = new_request()
    assert (request.status, request.stage) == (Status.SUBMITTED, Stage.ACCEPT)
    assert request.stage_deadline > timezone.now()
    community1, grid1 = user("community1"), user("grid1")
    request = request_accept(resident_request=request, actor=community1)
    assert request.accepted_on_time is True and request.stage == Stage.HANDLE
    request = request_dispatch(resident_request=request, actor=community1, handler=grid1)
    request = request_take(resident_request=request, actor=grid1)
    request = request_progress(resident_request=request, actor=grid1, note="已联系物业")
    request = request_handle(resident_request=request, actor=grid1, result_note="已更换楼道灯")
    assert request.handled_on_time is True
    with pytest.raises(PermissionDenied):
        request_verify(resident_request=request, actor=grid1, passed=True)
    request = request_verify(resident_request=request, actor=community1, passed=True)
    assert request.stage == Stage.ANSWER
    request = request_answer(resident_request=request, actor=community1, answer_note="楼道灯已修好，请您查看")
    assert request.stage == Stage.FOLLOW_UP
    request = request_follow_up(resident_request=request, rating=ResidentRequest.Rating.SATISFIED, note="很快")
    assert request.status == Status.CLOSED and request.followed_up_on_time is True and request.closed_at
    actions = list(request.timeline.values_list("action", flat=True))
    assert actions == [
        TimelineAction.SUBMIT,
        TimelineAction.ACCEPT,
        TimelineAction.DISPATCH,
        TimelineAction.TAKE,
        TimelineAction.START,
        TimelineAction.HANDLE,
        TimelineAction.VERIFY,
        TimelineAction.ANSWER,
        TimelineAction.FOLLOW_UP,
    ]


def test_failed_check_is_rework_and_unsatisfied_rating_is_a_redo(new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    request = request_handle(resident_request=request_take(resident_request=request, actor=grid1), actor=grid1, result_note="已处理")
    request = request_verify(resident_request=request, actor=community1, passed=False, note="灯还是不亮")
    assert request.status == Status.IN_PROGRESS and request.rework_count == 1
    request = request_handle(resident_request=request, actor=grid1, result_note="换了开关")
    request = request_answer(resident_request=request_verify(resident_request=request, actor=community1, passed=True), actor=community1, answer_note="已修复")
    request = request_follow_up(resident_request=request, actor=community1, rating=ResidentRequest.Rating.DISSATISFIED, note="晚上还是黑")
    assert request.status == Status.IN_PROGRESS and request.redo_count == 1 and request.handler == grid1


def test_two_people_taking_at_once_give_one_winner(new_request, user):
    community1 = user("community1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1)
    first_view = ResidentRequest.objects.get(pk=request.pk)
    second_view = ResidentRequest.objects.get(pk=request.pk)
    request_take(resident_request=first_view, actor=user("grid1"))
    gp = user("grid1").memberships.get().grid.memberships.get(role="grid_part_time").user
    with pytest.raises(Conflict) as exc:
        request_take(resident_request=second_view, actor=gp)
    assert "刚刚" in str(exc.value) or "just" in str(exc.value)
    assert ResidentRequest.objects.get(pk=request.pk).handler == user("grid1")


def test_refuse_needs_a_reason_and_grid_workers_cannot_accept(new_request, user):
    request = new_request()
    with pytest.raises(PermissionDenied):
        request_accept(resident_request=request, actor=user("grid1"))
    with pytest.raises(ValidationError):
        request_refuse(resident_request=request, actor=user("community1"), reason="")
    refused = request_refuse(resident_request=request, actor=user("community1"), reason="不属于社区职责，已告知拨打12345")
    assert refused.status == Status.REFUSED and refused.answer_note


def test_outside_the_area_nobody_acts(new_request, user):
    request = new_request()
    for outsider in ("community2", "grid3"):
        with pytest.raises(PermissionDenied):
            request_accept(resident_request=request, actor=user(outsider))


def test_return_only_within_two_working_days_of_dispatch(new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
    ResidentRequest.objects.filter(pk=request.pk).update(dispatched_at=timezone.now() - dt.timedelta(days=10))
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        request_return(resident_request=request, actor=grid1, reason="不是本网格的楼")
    ResidentRequest.objects.filter(pk=request.pk).update(dispatched_at=timezone.now())
    request.refresh_from_db()
    request = request_return(resident_request=request, actor=grid1, reason="不是本网格的楼")
    assert request.status == Status.ACCEPTED and request.returned_count == 1 and request.handler is None


def test_extension_is_capped_and_approved_by_the_level_above(new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_take(
        resident_request=request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1),
        actor=grid1,
    )
    with pytest.raises(ValidationError):
        request_extension_ask(resident_request=request, actor=grid1, days=request.category.max_extension_days + 1, reason="等配件")
    before = request.stage_deadline
    request = request_extension_ask(resident_request=request, actor=grid1, days=3, reason="等配件")
    request = request_extension_decide(resident_request=request, actor=community1, approve=True)
    assert request.extension_days == 3 and request.stage_deadline > before + dt.timedelta(days=2)


def test_manual_escalation_moves_up_one_rung_and_notifies(new_request, user):
    community1, grid1 = user("community1"), user("grid1")
    request = request_take(
        resident_request=request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1),
        actor=grid1,
    )
    request = request_escalate(resident_request=request, actor=grid1, reason="需要物业公司配合", proposal="召集物业协调")
    assert (request.level, request.status, request.handler) == (HandlingLevel.COMMUNITY, Status.ACCEPTED, None)
    assert Notification.objects.filter(user=community1, key__startswith="escalated-community").exists()
    # The grid keeps read access: the request is still in its subtree.
    assert ResidentRequest.objects.visible_to(grid1).filter(pk=request.pk).exists()


def test_long_term_requests_are_explained_and_never_auto_escalated(new_request, user):
    community1 = user("community1")
    request = request_long_term(
        resident_request=request_accept(resident_request=new_request(), actor=community1),
        actor=community1,
        explanation="需纳入明年老旧小区改造计划，已向居民说明",
    )
    ResidentRequest.objects.filter(pk=request.pk).update(stage_deadline=timezone.now() - dt.timedelta(days=30))
    requests_sweep()
    request.refresh_from_db()
    assert request.status == Status.LONG_TERM and request.level == HandlingLevel.GRID


def test_sweep_reminds_at_80_percent_then_escalates_exactly_once(new_request, user, outbox, django_capture_on_commit_callbacks):
    community1 = user("community1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=user("grid1"))
    start, due = request.stage_started_at, request.stage_deadline
    assert request.remind_at == start + (due - start) * 0.8
    # Move the clock of this request, not of the world: 85% of its time has passed.
    now = timezone.now()
    ResidentRequest.objects.filter(pk=request.pk).update(
        stage_started_at=now - dt.timedelta(hours=85), remind_at=now - dt.timedelta(hours=5), stage_deadline=now + dt.timedelta(hours=15)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_sweep()["reminded"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert requests_sweep()["reminded"] == 0
    assert [n.user.username for n in outbox if n.key.startswith("remind-") and n.key.endswith(f":{request.pk}")] == ["grid1"]
    outbox.clear()
    ResidentRequest.objects.filter(pk=request.pk).update(stage_deadline=now - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        first = requests_sweep()
    sent_by_first = len(outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = requests_sweep()
    # The community's cadres are told once; the second sweep sends nothing.
    assert len(outbox) == sent_by_first and [n.key.split(":")[0] for n in outbox if n.user == community1] == ["escalated-community"]
    request.refresh_from_db()
    assert (first["escalated"], second["escalated"]) == (1, 0)
    assert request.level == HandlingLevel.COMMUNITY and request.escalation_count == 1 and request.stage_deadline > now
    assert request.timeline.filter(action=TimelineAction.ESCALATE).count() == 1
    assert request.timeline.filter(action=TimelineAction.REMIND).count() == 1


def test_the_sweep_reminds_a_batch_in_the_same_queries_as_one_and_tells_each_the_right_person(new_request, user, outbox, django_capture_on_commit_callbacks):
    """A morning backlog of reminders costs the sweep no more queries than one reminder: each request's people still differ."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    community1, grid1 = user("community1"), user("grid1")

    def due(count: int) -> dict[int, str]:
        made = {}
        for _ in range(count):
            accepted = request_accept(resident_request=new_request(), actor=community1)
            made[accepted.pk] = "to dispatch"
            dispatched = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1)
            made[dispatched.pk] = "handler"
            taken = request_take(
                resident_request=request_dispatch(
                    resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1
                ),
                actor=grid1,
            )
            made[request_handle(resident_request=taken, actor=grid1, result_note="已更换灯泡").pk] = "dispatcher"
        now = timezone.now()
        ResidentRequest.objects.filter(pk__in=made).update(remind_at=now - dt.timedelta(hours=1), reminded_at=None, stage_deadline=now + dt.timedelta(hours=5))
        return made

    counts = []
    for count in (1, 4):
        made = due(count)
        outbox.clear()
        with django_capture_on_commit_callbacks() as sends, CaptureQueriesContext(connection) as queries:
            assert requests_sweep()["reminded"] == len(made)
        counts.append(len(queries))
        for send in sends:  # the notifications go out after the sweep's transaction, from a worker
            send()
        told: dict[int, set] = {}
        for notification in outbox:
            told.setdefault(int(notification.key.split(":")[1]), set()).add(notification.user.username)
        cadres = set(
            User.objects.filter(
                memberships__community=community1.memberships.get().community, memberships__role__in=[Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE]
            ).values_list("username", flat=True)
        )
        expected = {"to dispatch": cadres, "handler": {"grid1"}, "dispatcher": {"community1"}}
        assert told == {pk: expected[who] for pk, who in made.items()}
        assert TimelineEntry.objects.filter(request__in=made, action=TimelineAction.REMIND).count() == len(made)
    assert counts[0] == counts[1]


def test_a_stale_sweep_does_not_escalate_twice(new_request, user):
    """Two sweeps that picked the same overdue request: the second finds its deadline moved and skips it."""
    community1 = user("community1")
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1)
    ResidentRequest.objects.filter(pk=request.pk).update(stage_deadline=timezone.now() - dt.timedelta(hours=1))
    stale = ResidentRequest.objects.get(pk=request.pk)
    requests_sweep()
    with pytest.raises(Conflict):
        request_escalate(resident_request=stale, reason="stale")
    assert ResidentRequest.objects.get(pk=request.pk).escalation_count == 1


def test_idempotency_key_makes_one_request(new_request, user):
    grid = user("grid1").memberships.get().grid
    from resident_requests.models import Category

    kwargs = {
        "source": ResidentRequest.Source.API,
        "category": Category.objects.get(code="other"),
        "description": "重复提交测试一下",
        "grid": grid,
        "idempotency_key": "abc-123",
        "caller": "user:1",
    }
    first = request_submit(**kwargs)
    second = request_submit(**kwargs)
    assert first.pk == second.pk


def test_the_ladder_up_to_the_red_alliance_meeting(new_request, user):
    import datetime as dt

    from governance.models import ResidentUnit

    community1, grid1, street1 = user("community1"), user("grid1"), user("street1")
    request = request_take(
        resident_request=request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=grid1),
        actor=grid1,
    )
    request = request_escalate(resident_request=request, actor=grid1, reason="需要社区协调")
    request = request_escalate(resident_request=request, actor=community1, reason="涉及驻区单位", proposal="提交红色联盟会议")
    assert request.level == HandlingLevel.STREET
    unit = ResidentUnit.objects.filter(community__street=request.grid.street).first()
    request = alliance_meeting_assign(
        resident_request=request,
        actor=street1,
        held_on=dt.date.today(),
        units=[unit],
        attendees="街道书记、物业经理",
        decisions="由物业公司三日内维修",
        unit=unit,
        responsible_person="李经理",
    )
    assert (request.level, request.status, request.handler_unit, request.responsible_person) == (HandlingLevel.ALLIANCE, Status.DISPATCHED, unit, "李经理")
    assert request.meeting.units.filter(pk=unit.pk).exists()
    # The street cadre records the unit's steps, since the unit has no account.
    request = request_take(resident_request=request, actor=street1)
    request = request_handle(resident_request=request, actor=street1, result_note="物业已维修")
    assert request.status == Status.HANDLED
    with pytest.raises(PermissionDenied):
        request_handle(resident_request=request, actor=grid1, result_note="x")


def test_long_term_requests_are_reviewed_monthly_once(new_request, user, outbox, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    community1 = user("community1")
    request_long_term(
        resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, explanation="需纳入明年改造计划，已向居民说明"
    )
    outbox.clear()
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("review_long_term")
    reviewers = [n.user for n in outbox if n.key.startswith("long-term:")]
    assert reviewers.count(community1) == 1 and len(reviewers) == len(set(reviewers))
    assert (
        user("community2") not in reviewers
        or ResidentRequest.objects.filter(status="long_term", grid__community=user("community2").memberships.get().community).exists()
    )


def test_a_volunteer_chosen_by_skill_takes_handles_and_earns_points(new_request, user):
    from volunteers.models import PointsEntry, Volunteer

    community1, volunteer1 = user("community1"), user("volunteer1")
    profile = Volunteer.objects.get(user=volunteer1)
    request = request_dispatch(resident_request=request_accept(resident_request=new_request(), actor=community1), actor=community1, handler=volunteer1)
    from resident_requests.selectors import my_queue, request_list_for

    assert request in my_queue(volunteer1) and request_list_for(volunteer1).count() == 1
    request = request_handle(resident_request=request_take(resident_request=request, actor=volunteer1), actor=volunteer1, result_note="已上门修好水管")
    before = PointsEntry.objects.filter(volunteer=profile, kind="request").count()
    request_verify(resident_request=request, actor=community1, passed=True)
    entries = PointsEntry.objects.filter(volunteer=profile, kind="request")
    assert entries.count() == before + 1 and entries.first().points == 15
    with pytest.raises(PermissionDenied):
        request_return(resident_request=request, actor=volunteer1, reason="x")
