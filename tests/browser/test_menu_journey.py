"""Menus that fit the people: six groups on one line at the desk in both languages, a tab bar on the grid worker's phone."""

import pytest

from tests.browser.conftest import log_in, no_horizontal_scroll, shoot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each top-level label and the navbar itself must stay one line high.
MENU_GEOMETRY = """() => {
  const labels = [...document.querySelectorAll('[data-menu] > li > a.nav-link, [data-user-menu]')];
  return {
    labels: labels.map(a => ({text: a.innerText.trim(), lines: a.getClientRects().length, height: a.getBoundingClientRect().height})),
    navbar: document.querySelector('nav.navbar').getBoundingClientRect().height,
  };
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("username", ["district", "community1"])
def test_the_desk_menu_fits_one_line_and_logout_is_reachable(desk, language, username):
    desk.context.add_cookies([{"name": "django_language", "value": language, "url": desk.base_url}])
    desk.goto(desk.base_url + "/accounts/login/")
    desk.locator("#id_username").fill(username)
    desk.locator("#id_password").fill(PASSWORD)
    desk.locator("main form button[type=submit]").click()
    desk.wait_for_load_state()
    geometry = desk.evaluate(MENU_GEOMETRY)
    shoot(desk, f"menu-{username}-{language}-1280")
    assert 3 <= len(geometry["labels"]) <= 7, geometry
    assert all(label["lines"] == 1 and label["height"] < 48 for label in geometry["labels"]), geometry
    assert geometry["navbar"] < 70, geometry
    desk.locator("[data-user-menu]").click()
    logout = desk.locator("[data-logout]")
    assert logout.is_visible()
    box = logout.bounding_box()
    assert box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 900
    logout.click()
    desk.wait_for_url("**/accounts/login/**")


def test_a_grid_worker_lands_on_today_with_a_thumb_sized_tab_bar(phone):
    log_in(phone, "grid1", lands_on="/today/")
    tabs = phone.locator("nav.tabbar a")
    assert tabs.count() == 5
    assert all(tabs.nth(i).bounding_box()["height"] >= 44 for i in range(5))
    # The visits due are rows a thumb can hit, each saying when and why.
    rows = phone.locator("#visits-title ~ ul.tap-list > li > a")
    assert rows.count() > 0 and all(rows.nth(i).bounding_box()["height"] >= 44 for i in range(rows.count()))
    assert "到期" in rows.first.inner_text()
    assert no_horizontal_scroll(phone)
    shoot(phone, "today-tabbar-360")
    phone.locator("nav.tabbar a").nth(4).click()
    phone.wait_for_url("**/me/")
    assert phone.get_by_role("button", name="退出登录").is_visible()
