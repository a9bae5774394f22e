"""Every periodic job that notifies sends each notification once: a re-run (or a retried task) sends nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from governance.models import User
from households.models import Household
from party_building.models import LinkageDuty
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.intake import request_submit
from resident_requests.services.workflow import request_accept, request_dispatch, request_long_term
from volunteers import services as volunteers

pytestmark = pytest.mark.django_db


def person(username: str) -> User:
    return User.objects.get(username=username)


def handled_request() -> ResidentRequest:
    """A request of grid1's area, accepted by community1 and dispatched to grid1."""
    grid, cadre = person("grid1").memberships.get().grid, person("community1")
    request = request_submit(source=ResidentRequest.Source.HOTLINE, category=Category.objects.get(code="property-3"), description="楼道灯坏了一周", grid=grid)
    return request_dispatch(resident_request=request_accept(resident_request=request, actor=cadre), actor=cadre, handler=person("grid1"))


def linkage_duty_behind() -> User:
    community = person("community1").memberships.get().community
    LinkageDuty.objects.create(user=person("street1"), community=community, kind=LinkageDuty.Kind.DISTRICT_LEADER, department="区民政局")
    return person("street1")


def request_due_and_request_overdue() -> User:
    now = timezone.now()
    due, overdue = handled_request(), handled_request()
    ResidentRequest.objects.filter(pk=due.pk).update(remind_at=now - dt.timedelta(hours=1), stage_deadline=now + dt.timedelta(hours=5))
    ResidentRequest.objects.filter(pk=overdue.pk).update(stage_deadline=now - dt.timedelta(minutes=1))
    return person("grid1")


def long_term_request() -> User:
    cadre = person("community1")
    request_long_term(
        resident_request=request_accept(resident_request=handled_request(), actor=cadre), actor=cadre, explanation="需纳入明年改造计划，已向居民说明"
    )
    return cadre


def visits_due_today() -> User:
    Household.objects.filter(grid=person("grid1").memberships.get().grid).update(next_visit_due=timezone.localdate())
    return person("grid1")


def wish_unclaimed_for_fifteen_days() -> User:
    cadre = person("community1")
    wish = volunteers.wish_post(community=cadre.memberships.get().community, resident_name="张秀英", content="想要一个放大镜")
    wish = volunteers.wish_review(actor=cadre, wish=wish, publish=True)
    type(wish).objects.filter(pk=wish.pk).update(published_at=timezone.now() - dt.timedelta(days=15))
    return cadre


JOBS = {
    "remind_linkage": linkage_duty_behind,
    "escalate_overdue": request_due_and_request_overdue,
    "review_long_term": long_term_request,
    "notify_visits_due": visits_due_today,
    "remind_unclaimed_wishes": wish_unclaimed_for_fifteen_days,
}


@pytest.mark.parametrize("command", JOBS)
def test_rerunning_a_periodic_job_sends_nothing_twice(command, outbox, django_capture_on_commit_callbacks):
    reached = JOBS[command]()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(command, stdout=io.StringIO())
    first = list(outbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command(command, stdout=io.StringIO())
    sent = [(n.user_id, n.key) for n in outbox]
    assert reached.pk in {n.user_id for n in first}
    assert outbox == first and len(sent) == len(set(sent))
