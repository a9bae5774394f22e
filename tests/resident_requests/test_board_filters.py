"""The dispatch board narrows by street, community and grid of the dispatcher's area, its grid list never cut short."""

import pytest
from django.urls import reverse

from governance.forms import PlaceFilterForm
from grids.models import Grid

pytestmark = pytest.mark.django_db


def node(user, username: str, level: str):
    return getattr(user(username).memberships.get(), level)


def test_a_street_cadre_choosing_a_community_sees_only_its_requests_and_grids(login, user):
    community = node(user, "community2", "community")
    client = login("street1")
    whole = client.get(reverse("request-board")).context["page"].paginator.object_list
    assert {request.grid.community_id for request in whole} > {community.pk}

    response = client.get(reverse("request-board"), {"community": community.pk})
    narrowed = list(response.context["page"].paginator.object_list)
    assert narrowed and {request.grid.community_id for request in narrowed} == {community.pk}
    grids = [str(pk) for pk in Grid.objects.filter(community=community).order_by("code").values_list("pk", flat=True)]
    assert [str(value) for value, _label in response.context["places"].fields["grid"].widget.choices] == ["", *grids]


def test_the_board_grid_list_waits_for_a_community_instead_of_stopping_short(login, monkeypatch):
    monkeypatch.setattr(PlaceFilterForm, "SMALL_AREA", 2)
    response = login("street1").get(reverse("request-board"))
    assert [value for value, _label in response.context["places"].fields["grid"].widget.choices] == [""]
    assert "先选社区" in response.content.decode()


def test_a_place_outside_the_dispatchers_area_is_an_error_over_an_empty_board(login, user):
    outside = node(user, "cs003", "community")
    response = login("street1").get(reverse("request-board"), {"community": outside.pk})
    assert response.status_code == 200 and response.context["places"].errors["community"]
    assert list(response.context["page"].object_list) == []


def test_the_api_board_and_list_narrow_by_place(api, user):
    client = api("street1")
    community = node(user, "community2", "community")
    board = client.get("/api/requests/board/", {"community": community.pk}).json()["results"]
    listed = client.get("/api/requests/", {"community": community.pk, "page_size": 200}).json()["results"]
    grids = set(community.grids.values_list("pk", flat=True))
    assert board and {row["grid"] for row in board} <= grids
    assert listed and {row["grid"] for row in listed} <= grids
    assert len(listed) < client.get("/api/requests/", {"page_size": 200}).json()["count"]
    outside = node(user, "cs003", "community").pk
    for path in ("/api/requests/", "/api/requests/board/"):
        refused = client.get(path, {"community": outside})
        assert refused.status_code == 400 and refused.json()["extra"]["fields"]["community"] == ["请从列表中选择：该地点不在您的辖区内。"], path
