import pytest

from governance.models import User
from tests.browser.conftest import log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_drills_down_to_a_grid_and_exports(phone, browser, live_server):
    grid = User.objects.get(username="grid1").memberships.get().grid
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    log_in(page, "district", base_url=live_server.url)
    page.get_by_role("button", name="统计考核").click()
    page.get_by_role("link", name="统计看板").click()
    page.get_by_role("link", name=grid.street.name).click()
    page.get_by_role("link", name=grid.community.name).click()
    page.get_by_role("link", name=grid.name).click()
    assert page.get_by_role("heading", name=grid.name).is_visible()
    shoot(page, "dashboard-grid-1280")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.startswith(f"dashboard-grid-{grid.pk}-")
    context.close()
