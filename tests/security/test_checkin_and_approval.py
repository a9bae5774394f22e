"""Activity check-in codes cannot be replayed or forwarded for long; an extension is approved only from above."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from governance.models import Membership, User
from governance.roles import Role
from households.models import Household
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.intake import request_submit
from resident_requests.services.workflow import request_accept, request_dispatch, request_extension_ask, request_extension_decide, request_take
from tests.volunteers import conftest as volunteer_fixtures
from tests.volunteers.test_services import make_activity
from volunteers import services
from volunteers.models import Signup

pytestmark = pytest.mark.django_db


# volunteer1's confirmed profile in community1, as in the volunteer tests.
member = volunteer_fixtures.member


@pytest.fixture
def clock(monkeypatch):
    """Freezes timezone.now at the start of a code window; `clock.at(seconds)` moves it that far past that start."""
    window = services.CODE_WINDOW_SECONDS
    start = dt.datetime.fromtimestamp(int(timezone.now().timestamp()) // window * window, tz=dt.UTC)

    class Clock:
        now = start

        def at(self, seconds: float) -> dt.datetime:
            self.now = start + dt.timedelta(seconds=seconds)
            return self.now

    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def activity(member, clock):
    """Running for ten minutes (clock.now is frozen), volunteer1 signed up."""
    activity = make_activity(member.community, User.objects.get(username="community1"))
    services.signup_create(volunteer=member, activity=activity)
    return activity


def scan(client, activity, code: str):
    return client.post(reverse("volunteer-scan", args=[activity.pk, code]), follow=True)


def status_of(activity, member) -> str:
    return Signup.objects.get(activity=activity, volunteer=member).status


def test_attack_the_check_in_code_replayed_61_seconds_later_does_not_check_out(login, member, activity, clock):
    phone = login("volunteer1")
    code = services.checkin_code(activity, clock.at(5))
    scan(phone, activity, code)
    assert status_of(activity, member) == Signup.Status.CHECKED_IN
    clock.at(66)
    scan(phone, activity, code)
    assert status_of(activity, member) == Signup.Status.CHECKED_IN


def test_attack_the_check_in_code_cannot_check_out_even_after_the_minute(login, member, activity, clock):
    phone = login("volunteer1")
    code = services.checkin_code(activity, clock.at(10))
    scan(phone, activity, code)
    # Even when the check-in lies long enough back, the code of the check-in's window never checks out.
    Signup.objects.filter(activity=activity, volunteer=member).update(checked_in_at=clock.now - dt.timedelta(minutes=5))
    clock.at(25)
    assert "已用于签到" in scan(phone, activity, code).content.decode()
    assert status_of(activity, member) == Signup.Status.CHECKED_IN
    clock.at(31)
    scan(phone, activity, services.checkin_code(activity, clock.now))
    assert status_of(activity, member) == Signup.Status.CHECKED_OUT


def test_attack_a_forwarded_code_stops_working_within_a_minute(login, member, activity, clock):
    phone = login("volunteer1")
    code = services.checkin_code(activity, clock.at(0))
    # 30 seconds of its own and 20 of grace: 51 seconds after it appeared, the code is dead.
    clock.at(51)
    assert "已过期" in scan(phone, activity, code).content.decode()
    assert status_of(activity, member) == Signup.Status.SIGNED_UP
    # Scanned as the code changed: the previous window's code still works for the grace seconds.
    fresh = services.checkin_code(activity, clock.now)
    clock.at(79)
    scan(phone, activity, fresh)
    assert status_of(activity, member) == Signup.Status.CHECKED_IN


def test_the_organisers_screen_reloads_when_the_code_changes(login, activity, clock):
    clock.at(12)
    assert f'content="{services.CODE_WINDOW_SECONDS - 12}"' in login("community1").get(reverse("volunteer-code", args=[activity.pk])).content.decode()


def extension_waiting(*, handler: User, dispatcher: User) -> ResidentRequest:
    """A request of grid1 dispatched to `handler`, who took it and asks for 3 more days."""
    grid = User.objects.get(username="grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid, status="active").order_by("id").first()
    req = request_submit(
        source=ResidentRequest.Source.PUBLIC_FORM,
        category=Category.objects.get(code="property-3"),
        description="楼道灯坏了一周了",
        grid=grid,
        building=household.building,
        household=household,
    )
    request_accept(resident_request=req, actor=dispatcher)
    request_dispatch(resident_request=req, actor=dispatcher, handler=handler)
    request_take(resident_request=req, actor=handler)
    return request_extension_ask(resident_request=req, actor=handler, days=3, reason="等配件")


def peer_cadre_of(user: User) -> User:
    community = user.memberships.get().community
    peer = Membership.objects.filter(community=community, role=Role.COMMUNITY_CADRE).exclude(user=user).select_related("user").first()
    return peer.user


def test_attack_a_peer_cadre_of_the_same_community_approves_an_extension(api, login):
    community1 = User.objects.get(username="community1")
    req = extension_waiting(handler=community1, dispatcher=community1)
    peer = peer_cadre_of(community1)
    response = api(peer.username).post(reverse("request-extension-decide", args=[req.pk]), {"approve": "1"}, format="json")
    assert response.status_code == 403
    assert "extension_decide" not in api(peer.username).get(reverse("request-actions", args=[req.pk])).json()["actions"]
    assert login(peer.username).post(reverse("request-act", args=[req.pk, "extension_decide"]), {"approve": "1"}).status_code == 403
    with pytest.raises(PermissionDenied):
        request_extension_decide(resident_request=req, actor=peer, approve=True)
    req.refresh_from_db()
    assert req.extension_days == 0 and req.extension_requested_days == 3
    # The street, one level above the community handling it, decides.
    assert api("street1").post(reverse("request-extension-decide", args=[req.pk]), {"approve": "1"}, format="json").status_code == 200
    req.refresh_from_db()
    assert req.extension_days == 3


def test_a_grid_workers_extension_is_decided_by_the_community_not_a_neighbour(api):
    grid1 = User.objects.get(username="grid1")
    req = extension_waiting(handler=grid1, dispatcher=User.objects.get(username="community1"))
    assert api("grid2").post(reverse("request-extension-decide", args=[req.pk]), {"approve": "1"}, format="json").status_code in (403, 404)
    req.refresh_from_db()
    assert req.extension_days == 0
    assert api("community1").post(reverse("request-extension-decide", args=[req.pk]), {"approve": "1"}, format="json").status_code == 200
    req.refresh_from_db()
    assert req.extension_days == 3
