import datetime as dt

import pytest
from django.utils import timezone

from governance.models import User
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot
from volunteers import selectors, services
from volunteers.models import Signup, Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_signs_up_checks_in_and_out_and_sees_hours_and_points(phone, browser, live_server):
    member = Volunteer.objects.get(user__username="volunteer1")
    cadre = User.objects.get(username="community1")
    start = timezone.now() - dt.timedelta(minutes=10)
    activity = services.activity_publish(
        actor=cadre,
        community=member.community,
        title="家电义务维修",
        place="党群服务中心",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        places=5,
        signup_closes_at=start + dt.timedelta(minutes=30),
    )
    balance_before = selectors.points_balance(member)

    # A volunteer's home is their own volunteering page.
    log_in(phone, "volunteer1", lands_on="/volunteers/me/")
    phone.get_by_role("link", name="家电义务维修").click()
    phone.get_by_role("button", name="报名").click()
    assert phone.get_by_text("报名成功").is_visible()

    # Scanning the organiser's code opens this address on the volunteer's phone.
    phone.goto(f"{phone.base_url}/volunteers/activities/{activity.pk}/scan/{services.checkin_code(activity)}/")
    phone.get_by_role("button", name="签到").click()
    assert phone.get_by_text("已签到").first.is_visible()
    checked_in = timezone.now() - dt.timedelta(minutes=5)
    Signup.objects.filter(activity=activity, volunteer=member).update(checked_in_at=checked_in, checkin_window=services.code_window(checked_in))
    phone.goto(f"{phone.base_url}/volunteers/activities/{activity.pk}/scan/{services.checkin_code(activity)}/")
    phone.get_by_role("button", name="签退").click()
    assert phone.get_by_text("已签退").first.is_visible()
    assert no_horizontal_scroll(phone)
    shoot(phone, "volunteer-activity-360")

    organiser = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = organiser.new_page()
    log_in(page, "community1", base_url=live_server.url)
    page.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/")
    page.get_by_role("button", name="确认时长").click()
    organiser.close()

    phone.goto(phone.base_url + "/volunteers/me/")
    signup = Signup.objects.get(activity=activity, volunteer=member)
    assert signup.hours and signup.points_entry.points > 0
    assert phone.locator('[data-figure="balance"]').inner_text().strip() == f"{balance_before + signup.points_entry.points:.1f}".rstrip("0").rstrip(".")
    assert no_horizontal_scroll(phone)
    shoot(phone, "volunteer-me-360")
