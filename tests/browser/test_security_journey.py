"""The trust journeys in a real browser: the resident's secret status page on a phone, reveal and password reset at the desk."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.personal_data import decrypt
from governance.models import User
from households.models import Household
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.workflow import request_accept, request_answer, request_dispatch, request_handle, request_take, request_verify
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTERNAL_NOTE = "内部：该户与物业有纠纷，先别告诉住户"


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, format="JPEG")
    return SimpleUploadedFile("result.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_resident_follows_their_request_by_its_secret_code_and_rates_it_once(phone):
    grid1, community1 = User.objects.get(username="grid1"), User.objects.get(username="community1")
    household = Household.objects.filter(grid=grid1.memberships.get().grid, status="active").order_by("id").first()

    phone.goto(f"{phone.base_url}/r/{household.public_token}/report/")
    # The honeypot is there for robots only: a person neither sees it nor reaches it.
    trap = phone.locator(".hp-field")
    box = trap.bounding_box()
    assert trap.get_attribute("aria-hidden") == "true" and box["x"] + box["width"] <= 0
    phone.get_by_label("诉求类别").select_option(value=str(Category.objects.get(parent__name="物业管理", name="楼道灯").pk))
    phone.get_by_label("您遇到什么问题").fill("二单元楼道灯不亮")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/track/**")
    code = phone.url.rstrip("/").rsplit("/", 1)[1]
    request = ResidentRequest.objects.get(tracking_code=code)

    request_accept(resident_request=request, actor=community1)
    request_dispatch(resident_request=request, actor=community1, handler=grid1, note=INTERNAL_NOTE)
    request_take(resident_request=request, actor=grid1)
    request_handle(resident_request=request, actor=grid1, result_note="已更换灯泡", photos=[jpeg()])
    request_verify(resident_request=request, actor=community1, passed=True, note=INTERNAL_NOTE)
    request_answer(resident_request=request, actor=community1, answer_note="楼道灯已修好，请您查看")

    phone.goto(f"{phone.base_url}/track/{code}/")
    page = phone.content()
    assert INTERNAL_NOTE not in page and grid1.full_name not in page
    assert "楼道灯已修好，请您查看" in page
    for step in ("已收到", "正在办理", "已办结", "请评价"):
        assert step in page
    # The result photo loads through the resident's own code.
    result = phone.get_by_role("img", name="处置结果照片")
    result.scroll_into_view_if_needed()
    phone.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=result.element_handle())
    assert no_horizontal_scroll(phone)
    shoot(phone, "security-track-360")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    assert phone.get_by_text("感谢您的评价").is_visible()
    assert phone.get_by_role("button", name="提交评价").count() == 0
    request.refresh_from_db()
    assert request.status == "closed" and request.rating == 4


def test_a_cadre_reveals_with_a_purpose_and_resets_a_workers_password_at_the_desk(desk, browser, live_server):
    grid1 = User.objects.get(username="grid1")
    household = Household.objects.filter(grid=grid1.memberships.get().grid, status="active", residents__id_number_masked__gt="").order_by("id").first()
    member = household.residents.exclude(id_number_masked="").order_by("id").first()
    log_in(desk, "community1")

    desk.goto(f"{live_server.url}/households/{household.pk}/")
    full_id = decrypt(member.id_number_enc)
    assert full_id not in desk.content()
    form = desk.locator(f"form[action$='/residents/{member.pk}/reveal/']")
    form.locator("select[name=purpose]").select_option("visit")
    form.get_by_role("button").click()
    desk.get_by_text(full_id).first.wait_for()
    shoot(desk, "security-reveal-1280")

    desk.goto(f"{live_server.url}/people/{grid1.pk}/")
    desk.get_by_role("button", name="重置密码").click()
    temporary = desk.get_by_test_id("temporary-password").inner_text().strip()
    shoot(desk, "security-reset-1280")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    worker = context.new_page()
    log_in(worker, "grid1", base_url=live_server.url, password=temporary, lands_on="**/accounts/password/**")
    worker.goto(f"{live_server.url}/today/")
    assert "/accounts/password/" in worker.url
    context.close()
