"""A resident on a cheap phone picks photos, makes a mistake, and does not have to pick them again."""

import pytest
from PIL import Image

from governance.models import User
from households.models import Household
from resident_requests.models import Category, ResidentRequest
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_file(tmp_path, name, colour):
    path = tmp_path / name
    Image.new("RGB", (640, 480), colour).save(path, format="JPEG")
    return str(path)


def test_public_form_keeps_photos_after_an_error(phone, tmp_path):
    grid = User.objects.get(username="grid1").memberships.get().grid
    household = Household.objects.filter(grid=grid, status="active").order_by("id").first()
    phone.goto(f"{phone.base_url}/r/{household.public_token}/report/")
    phone.get_by_label("诉求类别").select_option(value=str(Category.objects.get(parent__name="物业管理", name="楼道灯").pk))
    phone.get_by_label("您遇到什么问题").fill("灯坏")
    phone.locator("input[name=photos]").set_input_files([photo_file(tmp_path, "a.jpg", "red"), photo_file(tmp_path, "b.jpg", "blue")])
    phone.get_by_role("button", name="提交").click()

    # Too short: the summary at the top names the field, and both photos are still there as ticked thumbnails.
    summary = phone.locator("[data-error-summary]")
    assert summary.is_visible() and "您遇到什么问题" in summary.inner_text()
    kept = phone.locator("[data-kept-photos] input[type=checkbox]:checked")
    assert kept.count() == 2
    assert phone.locator("[data-kept-photos] img").evaluate_all("images => images.every(image => image.naturalWidth > 0)")
    assert no_horizontal_scroll(phone)
    shoot(phone, "public-form-kept-photos-360")

    phone.get_by_label("您遇到什么问题").fill("三单元楼道灯坏了一周，晚上看不见")
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/track/**")
    created = ResidentRequest.objects.get(tracking_code=phone.url.rstrip("/").rsplit("/", 1)[1])
    assert created.photos.count() == 2
    assert phone.locator("img").count() >= 2


def test_intake_building_list_follows_the_grid(desk):
    """A community cadre at the desk picks a grid, and the building list becomes that grid's buildings."""
    log_in(desk, "community1")
    desk.goto(f"{desk.base_url}/requests/new/")
    grids = User.objects.get(username="community1").memberships.get().community.grids.order_by("sequence")
    second = grids[1]
    desk.get_by_label("网格").select_option(value=str(second.pk))
    building = second.buildings.get(number=2)
    desk.wait_for_function(f"document.querySelector('#id_building option[value=\"{building.pk}\"]') !== null")
    desk.get_by_label("楼栋（选填）").select_option(value=str(building.pk))
    shoot(desk, "intake-building-picker-1280")
    labels = desk.locator("#id_building option").all_inner_texts()
    assert len(labels) == second.buildings.count() + 1 and labels[2].startswith(building.name)
