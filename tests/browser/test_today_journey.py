import pytest

from grids.models import Patrol
from resident_requests.models import Category, ResidentRequest
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid1_starts_a_patrol_and_reports_a_problem_on_a_phone(phone):
    log_in(phone, "grid1", lands_on="/today/")
    phone.get_by_role("button", name="开始巡查").click()
    # The page asks for the position first (refused here), then sends the form.
    phone.get_by_role("button", name="结束巡查").wait_for()
    assert Patrol.objects.filter(worker__username="grid1", ended_at__isnull=True).exists()
    assert no_horizontal_scroll(phone)
    shoot(phone, "today-360")
    phone.get_by_role("link", name="现场上报问题").click()
    phone.get_by_label("诉求类别").select_option(value=str(Category.objects.get(code="hazard-1").pk))
    phone.get_by_label("反映的问题").fill("2号楼消防通道被三轮车堵塞")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/requests/**")
    assert ResidentRequest.objects.filter(description="2号楼消防通道被三轮车堵塞", source="patrol").exists()
