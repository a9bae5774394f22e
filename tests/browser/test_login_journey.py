import pytest

from governance.models import User
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_logs_in_on_a_phone_and_reaches_the_grid_home(phone):
    grid = User.objects.get(username="grid1").memberships.get().grid
    phone.goto(phone.base_url + "/")
    assert "/accounts/login/" in phone.url
    log_in(phone, "grid1", screenshot="login-360")
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
