"""Menus and homes that fit the people: six groups at most, the phone's tab bar, nothing a role cannot use."""

import re

import pytest
from django.urls import reverse

from grids.models import Building
from households.models import Household

pytestmark = pytest.mark.django_db

PERSONAS = ["city1", "district", "street1", "community1", "grid1", "volunteer1"]


def menu_groups(body: str) -> int:
    menu = body.split("data-menu>", 1)[1].split("</ul>\n      <ul", 1)[0]
    return len(re.findall(r'<li class="nav-item dropdown">', menu))


@pytest.mark.parametrize("username", PERSONAS)
def test_the_menu_has_at_most_six_groups_and_the_user_menu_holds_logout(login, username):
    body = login(username).get(reverse("org-root"), follow=True).content.decode()
    assert 1 <= menu_groups(body) <= 6
    assert "data-user-menu" in body and "data-logout" in body


def test_grid_workers_get_the_tab_bar_and_cadres_do_not(login):
    assert 'class="tabbar' in login("grid1").get(reverse("today")).content.decode()
    assert 'class="tabbar' not in login("community1").get(reverse("home")).content.decode()
    assert reverse("admin:index") not in login("grid1").get(reverse("today")).content.decode()


def test_a_volunteer_is_told_the_ledger_is_not_theirs_instead_of_an_empty_building(login, user):
    community = user("volunteer1").memberships.get().community
    building = Building.objects.filter(grid__community=community, pk__in=Household.objects.values("building")).first()
    body = login("volunteer1").get(reverse("building-households", args=[building.pk])).content.decode()
    assert "您的角色不能查看本楼住户" in body and "本楼尚未登记住户" not in body
    assert reverse("building-cards", args=[building.pk]) not in body
    assert f'href="{reverse("household-list")}"' not in body
