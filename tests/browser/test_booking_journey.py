import datetime as dt

import pytest
from django.utils import timezone

from community_services.models import Booking, ServiceItem
from community_services.services import leave_record
from governance.models import User
from notifications.models import Notification
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_books_on_the_phone_the_b_person_covers_for_a_on_leave_and_the_resident_sees_it_done(phone, browser, live_server):
    service = ServiceItem.objects.get(community__name="幸福社区", name="居住证明开具")
    slot = service.slots.get()
    day = timezone.localdate() + dt.timedelta(days=14)
    a_person, b_person = User.objects.get(username="grid1"), User.objects.get(username="community1")
    assert service.person_a == a_person and service.person_b == b_person
    # The community's cadre recorded the A person's leave for that day.
    leave_record(actor=User.objects.get(username="cc001"), community=service.community, person=a_person, starts_on=day, ends_on=day, reason="年休假")

    # The resident opens the community's services on the phone, no login.
    phone.goto(f"{phone.base_url}/c/{service.community.code}/services/")
    phone.get_by_role("link", name="预约办理或申请代办").first.click()
    phone.get_by_label("您的称呼").fill("王大妈")
    phone.get_by_label("您的手机号").fill("13800138000")
    phone.get_by_label("预约办理").check()
    phone.get_by_label("日期").fill(day.isoformat())
    phone.get_by_label("时段").select_option(value=str(slot.pk))
    assert no_horizontal_scroll(phone)
    shoot(phone, "booking-form-360")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/booking/**")
    code = phone.url.rstrip("/").rsplit("/", 1)[1]
    assert "已预约" in phone.locator("[data-status]").inner_text()
    assert "13800138000" not in phone.content()
    booking = Booking.objects.get(tracking_code=code)
    assert booking.assignee == b_person

    # The B person is told, finds it in their queue and marks it done, on the phone.
    assert Notification.objects.filter(user=b_person, key__startswith=f"booking:{booking.pk}:").exists()
    assert not Notification.objects.filter(user=a_person, key__startswith=f"booking:{booking.pk}:").exists()
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN")
    staff = context.new_page()
    staff.base_url = live_server.url
    log_in(staff, "community1")
    staff.goto(f"{live_server.url}/notifications/")
    assert "新预约：居住证明开具" in staff.content()
    staff.goto(f"{live_server.url}/services/queue/")
    staff.locator(f"[data-booking='{code}']").click()
    staff.get_by_label("处置结果").select_option("done")
    assert no_horizontal_scroll(staff)
    shoot(staff, "booking-done-360")
    staff.get_by_role("button", name="保存办理结果").click()
    staff.wait_for_load_state()
    assert "已完成" in staff.locator("[data-status]").inner_text()
    context.close()

    # The resident sees it done with the code.
    phone.reload()
    assert "已完成" in phone.locator("[data-status]").inner_text()
    assert no_horizontal_scroll(phone)
    shoot(phone, "booking-status-done-360")
