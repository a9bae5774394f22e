import io
import re

import pytest
from PIL import Image

from governance.models import User
from households.models import Household
from resident_requests.models import Category, ResidentRequest
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def act(page, label, note=None):
    """Open one action of the request page, fill its note and submit it."""
    box = page.locator("details", has=page.locator("summary", has_text=re.compile(f"^{label}$")))
    box.locator("summary").click()
    if note is not None:
        box.locator("textarea[name=note]").fill(note)
    box.get_by_role("button", name=label).click()


def test_a_request_from_the_card_to_the_rating(phone, browser, live_server, tmp_path):
    grid = User.objects.get(username="grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid, status="active").order_by("id").first()

    # The resident scans the card: no login.
    phone.goto(f"{phone.base_url}/r/{household.public_token}/")
    phone.get_by_role("link", name="反映问题或需求").click()
    phone.get_by_label("诉求类别").select_option(value=str(Category.objects.get(parent__name="物业管理", name="楼道灯").pk))
    phone.get_by_label("您遇到什么问题").fill("三单元楼道灯坏了一周，晚上看不见")
    phone.get_by_label("您的手机号").fill("13800138000")
    assert no_horizontal_scroll(phone)
    shoot(phone, "public-form-360")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/track/**")
    code = phone.url.rstrip("/").rsplit("/", 1)[1]
    request = ResidentRequest.objects.get(tracking_code=code)
    assert "13800138000" not in phone.content()

    contexts = []

    def staff_page(username):
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        log_in(page, username)
        page.goto(f"{live_server.url}/requests/{request.pk}/")
        return page

    cadre = staff_page("community1")
    # 受理 and 接单 are one tap each.
    cadre.get_by_role("button", name="受理", exact=True).click()
    cadre.locator("details", has=cadre.locator("summary", has_text=re.compile("^派单$"))).locator("summary").click()
    cadre.locator("select[name=handler]").select_option(value=str(User.objects.get(username="grid1").pk))
    cadre.get_by_role("button", name="派单").click()

    worker = staff_page("grid1")
    assert no_horizontal_scroll(worker)
    worker.get_by_role("button", name="接单", exact=True).click()
    photo = tmp_path / "result.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "white").save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())
    box = worker.locator("details", has=worker.locator("summary", has_text=re.compile("^处置完毕$")))
    box.locator("summary").click()
    box.locator("input[type=file]").set_input_files(str(photo))
    box.locator("textarea[name=note]").fill("已更换楼道灯泡")
    shoot(worker, "request-handle-360")
    box.get_by_role("button", name="处置完毕").click()
    assert worker.get_by_text("已更换楼道灯泡").first.is_visible()

    cadre.reload()
    act(cadre, "核查", "现场查看灯已亮")
    act(cadre, "答复居民", "楼道灯已修好，请您查看")
    request.refresh_from_db()
    assert request.status == "answered" and request.photos.filter(kind="result").count() == 1

    phone.goto(f"{phone.base_url}/track/{code}/")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    assert phone.get_by_text("感谢您的评价").is_visible()
    assert no_horizontal_scroll(phone)
    shoot(phone, "track-rated-360")
    request.refresh_from_db()
    assert request.status == "closed" and request.rating == 4
    for context in contexts:
        context.close()
