import pytest

from governance.models import User
from tests.browser.conftest import no_horizontal_scroll, shoot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_logs_in_on_a_phone_and_reaches_the_grid_home(phone):
    grid = User.objects.get(username="grid1").memberships.get().grid
    phone.goto(phone.base_url + "/")
    assert "/accounts/login/" in phone.url
    phone.get_by_label("用户名或手机号").fill("grid1")
    phone.get_by_label("密码").fill(PASSWORD)
    shoot(phone, "login-360")
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(phone.base_url + "/")
    assert phone.get_by_role("link", name=grid.name).is_visible()
    assert "专职网格员" in phone.content()
    assert no_horizontal_scroll(phone)
    shoot(phone, "grid1-home-360")
    # The grid page lists its buildings, still without sideways scrolling.
    phone.get_by_role("link", name=grid.name).click()
    assert phone.get_by_role("heading", name=grid.name).is_visible()
    assert phone.locator(".list-group-item").count() == grid.buildings.count()
    assert no_horizontal_scroll(phone)
    shoot(phone, "grid1-grid-360")
