import pytest
from django.urls import reverse

from governance.models import User
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The pixel of a longitude and latitude on the map, as ECharts projects it inside the chart's box.
PROJECT = "([lon, lat]) => echarts.getInstanceByDom(document.getElementById('situation-map')).convertToPixel({geoIndex: 0}, [lon, lat])"


def tap(page, lon: float, lat: float) -> None:
    """A finger's tap where the map draws this point."""
    x, y = page.evaluate(PROJECT, [lon, lat])
    box = page.locator("#situation-map").bounding_box()
    page.touchscreen.tap(box["x"] + x, box["y"] + y)


def open_ground(grid) -> tuple[float, float]:
    """A point inside the grid's outline (a rectangle in the test world) as far as can be from its buildings' points."""
    points = list(grid.buildings.values_list("lon", "lat"))
    candidates = [
        (grid.min_lon + (grid.max_lon - grid.min_lon) * fx, grid.min_lat + (grid.max_lat - grid.min_lat) * fy)
        for fx in (0.15, 0.5, 0.85)
        for fy in (0.15, 0.5, 0.85)
    ]
    return max(candidates, key=lambda c: min((c[0] - lon) ** 2 + (c[1] - lat) ** 2 for lon, lat in points))


def test_on_a_phone_the_map_drills_from_the_community_to_a_grid_and_a_building(phone):
    grid = User.objects.get(username="grid2").memberships.get().grid
    log_in(phone, "community1")
    phone.goto(phone.base_url + reverse("situation-map", args=["community", grid.community_id]))
    phone.locator("#situation-map canvas").first.wait_for()
    assert no_horizontal_scroll(phone)
    shoot(phone, "situation-map-community-360")
    phone.get_by_role("link", name="超期诉求").click()
    assert phone.url.endswith("?layer=overdue")
    tap(phone, *open_ground(grid))
    phone.wait_for_url(f"**/map/grid/{grid.pk}/?layer=overdue")
    phone.locator("#situation-map canvas").first.wait_for()
    assert phone.get_by_role("link", name="超期诉求").get_attribute("aria-current") == "true"
    shoot(phone, "situation-map-grid-360")
    building = grid.buildings.order_by("number").first()
    tap(phone, building.lon, building.lat)
    phone.wait_for_url(f"**/buildings/{building.pk}/households/")
