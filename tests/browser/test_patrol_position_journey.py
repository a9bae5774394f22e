"""A grid worker's phone that lets the site know where it is: the report form suggests the place, the patrol keeps its walk."""

import time

import pytest

from governance.models import User
from grids.models import Building, Patrol
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(check, timeout=10.0):
    """Poll the database until the page's request has been handled (the live server answers in another thread)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the page's request did not arrive in time"
        time.sleep(0.2)


def test_grid1_reports_where_it_stands_and_its_patrol_is_drawn(phone):
    building = Building.objects.select_related("grid").get(grid=User.objects.get(username="grid1").memberships.get().grid, number=2)
    phone.context.grant_permissions(["geolocation"], origin=phone.base_url)
    phone.context.set_geolocation({"longitude": building.lon, "latitude": building.lat})
    log_in(phone, "grid1", lands_on="/today/")

    phone.get_by_role("button", name="开始巡查").click()
    phone.get_by_role("button", name="结束巡查").wait_for()
    patrol = Patrol.objects.get(worker__username="grid1", ended_at__isnull=True)
    assert (round(patrol.start_lon, 6), round(patrol.start_lat, 6)) == (round(building.lon, 6), round(building.lat, 6))
    phone.get_by_label("记录巡查轨迹").check()
    wait_for(lambda: len(Patrol.objects.get(pk=patrol.pk).track) == 1)

    phone.get_by_role("link", name="现场上报问题").click()
    phone.get_by_role("button", name="使用当前位置").click()
    phone.get_by_text(f"定位：{building.grid.name}，最近 {building.name}").wait_for()
    assert phone.locator("#id_grid").input_value() == str(building.grid_id)
    phone.wait_for_function(f"document.getElementById('id_building').value === '{building.pk}'")
    assert no_horizontal_scroll(phone)
    shoot(phone, "intake-located-360")

    phone.goto(phone.base_url + "/today/")
    phone.get_by_label("巡查情况").fill("2号楼门口电动车充电")
    phone.get_by_role("button", name="结束巡查").click()
    phone.get_by_role("button", name="开始巡查").wait_for()
    patrol.refresh_from_db()
    assert patrol.ended_at is not None and patrol.end_lon is not None

    phone.locator(f'a[href="/patrols/{patrol.pk}/"]').click()
    phone.locator("#patrol-map canvas").wait_for()
    assert phone.get_by_text("2号楼门口电动车充电").is_visible()
    assert no_horizontal_scroll(phone)
    shoot(phone, "patrol-page-360")
