import datetime as dt

import pytest
from django.utils import timezone

from governance.models import User
from households.models import Household
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_grid_worker_records_a_visit_and_sees_it_in_coverage(phone):
    grid = User.objects.get(username="grid1").memberships.get().grid
    # The household not visited for the longest time, so the visit changes the 30-day figure.
    household = Household.objects.filter(grid=grid, status="active").order_by("last_visited_at", "id").first()

    log_in(phone, "grid1")

    phone.goto(f"{phone.base_url}/org/grid/{grid.pk}/")
    phone.get_by_role("link", name=household.building.name).click()
    phone.get_by_role("link", name="本楼户情台账").click()
    assert no_horizontal_scroll(phone)
    shoot(phone, "building-360")
    phone.locator(f'a[href="/households/{household.pk}/"]').click()
    assert no_horizontal_scroll(phone)
    shoot(phone, "household-360")
    phone.get_by_role("link", name="记录走访").click()
    phone.get_by_label("电话").check()
    phone.get_by_label("见到何人").fill("户主本人")
    phone.get_by_label("发现情况").fill("身体状况良好")
    assert no_horizontal_scroll(phone)
    shoot(phone, "visit-form-360")
    phone.get_by_role("button", name="保存走访").click()
    assert phone.get_by_text("身体状况良好").is_visible()

    phone.goto(f"{phone.base_url}/coverage/grid/{grid.pk}/")
    since = timezone.now() - dt.timedelta(days=30)
    expected = Household.objects.filter(grid=grid, status="active", last_visited_at__gte=since).count()
    household.refresh_from_db()
    assert household.last_visited_at >= since
    assert phone.locator('[data-figure="visited_30"]').first.inner_text().strip() == str(expected)
    assert no_horizontal_scroll(phone)
    shoot(phone, "coverage-360")
