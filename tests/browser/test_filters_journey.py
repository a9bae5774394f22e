import pytest
from django.urls import reverse
from playwright.sync_api import expect

from governance.models import Community, Street
from grids.models import Grid
from households.models import Household
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_user_narrows_the_ledger_street_then_community_then_grid(desk):
    street = Street.objects.get(name="建设北街街道")
    community = Community.objects.get(name="和平社区")
    grid = Grid.objects.get(name="和平第1网格")

    log_in(desk, "district")
    desk.goto(desk.base_url + reverse("household-list"))
    # The district's six grids all fit the list; choosing a street fetches its communities and grids without a reload.
    expect(desk.locator("select[name=grid] option")).to_have_count(1 + Grid.objects.filter(district=street.district).count())
    desk.locator("select[name=street]").select_option(str(street.pk))
    expect(desk.locator("select[name=community] option")).to_have_count(1 + street.communities.count())
    desk.locator("select[name=community]").select_option(str(community.pk))
    expect(desk.locator("select[name=grid] option")).to_have_count(1 + community.grids.count())
    desk.locator("select[name=grid]").select_option(str(grid.pk))
    assert no_horizontal_scroll(desk)
    shoot(desk, "ledger-filters-1280")
    desk.get_by_role("button", name="搜索").click()

    desk.wait_for_url(f"**grid={grid.pk}**")
    expected = Household.objects.filter(grid=grid, status="active").count()
    expect(desk.get_by_text(f"共 {expected} 户", exact=True)).to_be_visible()
    expect(desk.locator("select[name=community]")).to_have_value(str(community.pk))
    assert no_horizontal_scroll(desk)
    shoot(desk, "ledger-narrowed-1280")
