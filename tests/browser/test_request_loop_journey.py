"""The next person is told: the grid worker acts from the notification; an unaccepted request moves up at its deadline."""

import datetime as dt

import pytest

from governance.models import User
from households.models import Household
from resident_requests.lifecycle import HandlingLevel, Status
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.escalation import requests_sweep
from resident_requests.services.intake import request_submit
from resident_requests.services.workflow import request_accept
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submitted() -> ResidentRequest:
    grid = User.objects.get(username="grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid, status="active").order_by("id").first()
    return request_submit(
        source=ResidentRequest.Source.PUBLIC_FORM,
        category=Category.objects.get(code="property-3"),
        description="5号楼电梯按钮失灵",
        grid=grid,
        building=household.building,
        household=household,
    )


def test_the_grid_worker_is_told_of_a_dispatch_and_takes_it_from_the_notification(desk, browser, live_server):
    request = request_accept(resident_request=submitted(), actor=User.objects.get(username="community1"))
    log_in(desk, "community1")
    desk.goto(f"{desk.base_url}/requests/{request.pk}/")
    desk.locator("details", has=desk.locator("summary", has_text="派单")).locator("summary").click()
    desk.locator("select[name=handler]").select_option(value=str(User.objects.get(username="grid1").pk))
    desk.get_by_role("button", name="派单").click()
    desk.wait_for_load_state()
    shoot(desk, "dispatch-1280")

    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN")
    phone = context.new_page()
    phone.base_url = live_server.url
    log_in(phone, "grid1", lands_on="/today/")
    # The tab bar's 诉求 carries the count, and today lists the notification.
    assert phone.locator("nav.tabbar .badge").first.is_visible()
    phone.locator("a", has_text="派给您的诉求").first.click()
    phone.wait_for_url(f"**/requests/{request.pk}/")
    phone.get_by_role("button", name="接单", exact=True).click()
    phone.wait_for_load_state()
    assert no_horizontal_scroll(phone)
    shoot(phone, "taken-from-notification-360")
    request.refresh_from_db()
    assert request.status == Status.TAKEN and request.handler.username == "grid1"
    context.close()


def test_a_request_nobody_accepts_moves_up_at_its_accepting_deadline(desk):
    request = submitted()
    # The sweep runs at a fixed time: one minute past the accepting deadline.
    requests_sweep(now=request.stage_deadline + dt.timedelta(minutes=1))
    request.refresh_from_db()
    assert (request.level, request.status) == (HandlingLevel.COMMUNITY, Status.SUBMITTED)
    log_in(desk, "community1")
    desk.goto(f"{desk.base_url}/requests/{request.pk}/")
    assert desk.get_by_text("受理超时，系统自动上报。").is_visible()
    shoot(desk, "escalated-unaccepted-1280")
