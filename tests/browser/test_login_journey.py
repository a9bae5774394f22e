import pytest

from governance.models import User
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_logs_in_on_a_phone_and_reaches_the_grid_home(phone):
    grid = User.objects.get(username="grid1").memberships.get().grid
    phone.goto(phone.base_url + "/")
    assert "/accounts/login/" in phone.url
    log_in(phone, "grid1", screenshot="login-360", lands_on="/today/")
    assert phone.get_by_role("heading", name="今日").is_visible()
    assert no_horizontal_scroll(phone)
    shoot(phone, "grid1-home-360")
    # Their grid's page lists its buildings, still without sideways scrolling.
    phone.goto(phone.base_url + "/org/")
    assert phone.get_by_role("heading", name=grid.name).is_visible()
    assert "专职网格员" in phone.content()
    assert phone.locator(".list-group-item").count() == grid.buildings.count()
    assert no_horizontal_scroll(phone)
    shoot(phone, "grid1-grid-360")
