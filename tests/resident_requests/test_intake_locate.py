"""The report form's "use my current position": the grid and nearest building where the reporter stands, in their area only."""

import pytest

from grids.models import Building

pytestmark = pytest.mark.django_db

URL = "/requests/new/locate/"


def building_of(user, username, number=2) -> Building:
    return Building.objects.get(grid=user(username).memberships.get().grid, number=number)


def test_a_grid_worker_at_a_building_gets_their_grid_and_that_building(login, user):
    building = building_of(user, "grid1")
    answer = login("grid1").get(URL, {"lon": f"{building.lon:.6f}", "lat": f"{building.lat:.6f}"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["grid"] == building.grid_id and body["building"] == building.pk
    assert body["message"] == f"定位：{building.grid.name}，最近 {building.name}（约 0 米）"


@pytest.mark.parametrize("elsewhere", ["grid2", "grid3"])
def test_a_grid_outside_the_workers_area_is_not_suggested(login, user, elsewhere):
    building = building_of(user, elsewhere)
    answer = login("grid1").get(URL, {"lon": str(building.lon), "lat": str(building.lat)})
    assert answer.status_code == 400 and "grid" not in answer.json()
    assert answer.json()["message"] == "该位置不在您负责区域的任何网格内。"


def test_a_community_cadre_is_offered_any_grid_of_the_community(login, user):
    building = building_of(user, "grid2", number=1)
    body = login("community1").get(URL, {"lon": str(building.lon), "lat": str(building.lat)}).json()
    assert body["grid"] == building.grid_id and body["building"] == building.pk


@pytest.mark.parametrize(
    "query", [{"lon": "0", "lat": "0"}, {"lon": "abc", "lat": "38"}, {"lon": "1e2", "lat": "38"}, {"lat": "38.05"}, {"lon": "１１４", "lat": "38"}]
)
def test_outside_the_district_or_junk_is_a_message_and_no_suggestion(login, query):
    answer = login("grid1").get(URL, query)
    assert answer.status_code == 400 and answer.json()["message"] and "grid" not in answer.json()


def test_the_report_form_offers_the_button(login):
    assert "使用当前位置" in login("grid1").get("/requests/new/").content.decode()
