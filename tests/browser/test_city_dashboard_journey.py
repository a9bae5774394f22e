import pytest
from django.urls import reverse

from governance.models import User
from tests.browser.conftest import log_in, no_horizontal_scroll, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_at_the_desk_the_city_opens_its_dashboard_and_drills_into_a_district(desk):
    district = User.objects.get(username="district").memberships.get().district
    log_in(desk, "city1")
    desk.get_by_role("button", name="统计考核").click()
    desk.get_by_role("link", name="统计看板").click()
    desk.wait_for_url(f"**/dashboard/city/{district.city_id}/")
    assert desk.get_by_role("heading", name="石家庄市").is_visible()
    shoot(desk, "dashboard-city-1280")
    desk.get_by_role("link", name=district.name).click()
    desk.wait_for_url(f"**/dashboard/district/{district.pk}/**")
    assert desk.get_by_role("heading", name=district.name).is_visible()
    street = district.streets.order_by("code").first()
    assert desk.get_by_role("link", name=street.name).is_visible()
    shoot(desk, "dashboard-city-district-1280")
    # The breadcrumb leads back up to the city.
    desk.get_by_role("navigation", name="导航路径").get_by_role("link", name="石家庄市").click()
    desk.wait_for_url(f"**/dashboard/city/{district.city_id}/**")


def test_on_a_phone_the_city_dashboard_fits_and_drills_into_a_district(phone):
    district = User.objects.get(username="district").memberships.get().district
    log_in(phone, "city1")
    phone.goto(phone.base_url + reverse("dashboard-root"))
    phone.wait_for_url(f"**/dashboard/city/{district.city_id}/")
    assert no_horizontal_scroll(phone)
    shoot(phone, "dashboard-city-360")
    phone.get_by_role("link", name=district.name).click()
    phone.wait_for_url(f"**/dashboard/district/{district.pk}/**")
    assert phone.get_by_role("heading", name=district.name).is_visible()
    assert no_horizontal_scroll(phone)
