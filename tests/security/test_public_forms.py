"""The public forms (card, community link, micro-wish): one honeypot and one rate limit, honest answers."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from governance.models import User
from households.models import Household
from resident_requests.models import Category, ResidentRequest
from volunteers.models import Wish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def grid1_household() -> Household:
    grid = User.objects.get(username="grid1").memberships.get().grid
    return Household.objects.filter(grid=grid, status="active").order_by("id").first()


def request_data(**extra) -> dict:
    return {"category": Category.objects.get(code="property-3").pk, "description": "楼道灯坏了一周了", "reporter_name": "王大妈", "website": "", **extra}


def test_attack_flooding_the_public_wish_form_from_one_address_stops_at_the_limit(client):
    url = reverse("public-wish", args=[grid1_household().public_token])
    codes = [
        client.post(url, {"resident_name": "王大妈", "content": f"第{index}个心愿：请帮忙修好门口长椅XQ", "website": ""}).status_code for index in range(30)
    ]
    assert codes == [302] * 10 + [200] * 20
    assert Wish.objects.filter(content__endswith="请帮忙修好门口长椅XQ").count() == 10
    assert "一小时内" in client.post(url, {"resident_name": "王大妈", "content": "再来一个心愿", "website": ""}).content.decode()


def test_attack_robot_filling_the_wish_honeypot_stores_nothing_and_is_logged(client, caplog):
    url = reverse("public-wish", args=[grid1_household().public_token])
    with caplog.at_level(logging.WARNING, logger="governance.public_forms"):
        response = client.post(url, {"resident_name": "王大妈", "content": "请帮忙修好门口长椅XQ", "website": "http://spam.example"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert not Wish.objects.filter(content="请帮忙修好门口长椅XQ").exists()
    assert [record.getMessage() for record in caplog.records] == ["Public wish form: honeypot filled, nothing stored (address 203.0.113.7)"]


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    for url in (reverse("public-report", args=[grid1_household().public_token]), reverse("public-wish", args=[grid1_household().public_token])):
        html = client.get(url).content.decode()
        assert '<div class="mb-3 hp-field" aria-hidden="true">' in html
        assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html


def test_attack_resident_typing_in_the_honeypot_is_not_sent_to_a_fake_tracking_code(client, caplog):
    url = reverse("public-report", args=[grid1_household().public_token])
    before = ResidentRequest.objects.count()
    with caplog.at_level(logging.WARNING, logger="governance.public_forms"):
        response = client.post(url, request_data(phone="13812345678", website="王大妈"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "0000000000" not in html and "未能提交" in html
    # The form comes back with what the resident wrote and the hidden field emptied: sending again works.
    assert "楼道灯坏了一周了" in html and 'name="website" value=' not in html
    assert ResidentRequest.objects.count() == before
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "honeypot" in logged and "王大妈" not in logged and "13812345678" not in logged
    again = client.post(url, request_data(phone="13812345678"))
    assert again.status_code == 302 and ResidentRequest.objects.count() == before + 1


def test_the_request_form_keeps_its_limit_of_ten_an_hour_per_address(client):
    token = grid1_household().public_token
    codes = [client.post(reverse("public-report", args=[token]), request_data(description=f"第{index}次反映楼道灯")).status_code for index in range(11)]
    assert codes == [302] * 10 + [200]
