"""The ledger narrows by street, community and grid of the user's area: each list narrowed by the choice above it."""

import html

import pytest
from django.urls import reverse

from governance.forms import PlaceFilterForm
from governance.models import Community, Street
from grids.models import Grid
from households import views_excel
from households.models import Household

pytestmark = pytest.mark.django_db


def node(user, username: str, level: str):
    return getattr(user(username).memberships.get(), level)


def options(response, name: str) -> list[str]:
    """The values offered by one of the page's place selects, the empty one included."""
    return [str(value) for value, _label in response.context["form"].fields[name].widget.choices]


def listed(response) -> list[Household]:
    return list(response.context["page"].paginator.object_list)


def test_a_district_user_choosing_a_street_sees_only_that_streets_households_and_communities(login, user):
    street = node(user, "street02", "street")
    response = login("district").get(reverse("household-list"), {"street": street.pk})

    households = listed(response)
    assert households and {household.grid.street_id for household in households} == {street.pk}
    assert len(households) == Household.objects.filter(grid__street=street, status="active").count()
    assert options(response, "community") == ["", *[str(pk) for pk in Community.objects.filter(street=street).values_list("pk", flat=True)]]
    assert options(response, "grid") == ["", *[str(pk) for pk in Grid.objects.filter(street=street).order_by("code").values_list("pk", flat=True)]]
    # The district's other street stays on offer: the street list is never narrowed.
    assert str(node(user, "street1", "street").pk) in options(response, "street")


def test_choosing_a_community_lists_only_its_grids_and_shows_its_street(login, user):
    community = node(user, "community2", "community")
    response = login("district").get(reverse("household-list"), {"community": community.pk})

    grids = [str(pk) for pk in Grid.objects.filter(community=community).order_by("code").values_list("pk", flat=True)]
    assert options(response, "grid") == ["", *grids]
    assert {household.grid.community_id for household in listed(response)} == {community.pk}
    body = html.unescape(response.content.decode())
    assert f'<option value="{community.street_id}" selected>' in body


def test_choosing_a_grid_narrows_the_list_to_it(login, user):
    grid = node(user, "grid3", "grid")
    response = login("district").get(reverse("household-list"), {"street": grid.street_id, "community": grid.community_id, "grid": grid.pk})
    households = listed(response)
    assert households and {household.grid_id for household in households} == {grid.pk}


def test_a_long_grid_list_waits_for_a_community(login, user, monkeypatch):
    monkeypatch.setattr(PlaceFilterForm, "SMALL_AREA", 3)
    client = login("district")
    street, community = node(user, "street1", "street"), node(user, "community1", "community")

    for query in ({}, {"street": street.pk}):
        response = client.get(reverse("household-list"), query)
        assert options(response, "grid") == [""]
        assert "先选社区" in response.content.decode()
    assert len(options(client.get(reverse("household-list"), {"community": community.pk}), "grid")) == 1 + 3


def test_a_community_of_another_street_is_dropped_when_the_street_changes(login, user):
    street, community = node(user, "street02", "street"), node(user, "community1", "community")
    response = login("district").get(reverse("household-list"), {"street": street.pk, "community": community.pk})
    assert response.context["form"].is_valid()
    assert {household.grid.street_id for household in listed(response)} == {street.pk}
    assert response.context["form"].place_filters()["community"] is None


@pytest.mark.parametrize("value", ["outside", "missing", "abc", "99999999999999999999"])
def test_a_place_outside_the_area_is_a_form_error_over_an_empty_list(login, user, value):
    outside = node(user, "outsider", "community").grids.get()
    grid = {"outside": outside.pk, "missing": 0, "abc": "abc", "99999999999999999999": value}[value]
    response = login("community1").get(reverse("household-list"), {"grid": grid})
    assert response.status_code == 200
    assert response.context["form"].errors["grid"] == ["请从列表中选择：该地点不在您的辖区内。"]
    assert listed(response) == []
    assert outside.name not in response.content.decode()


def test_a_community_cadre_is_offered_its_grids_and_no_street_or_community(login, user):
    community = node(user, "community1", "community")
    response = login("community1").get(reverse("household-list"))
    assert [field.name for field in response.context["form"].place_fields] == ["grid"]
    assert options(response, "grid") == ["", *[str(pk) for pk in community.grids.order_by("code").values_list("pk", flat=True)]]
    # The street above the cadre's community is not theirs to choose: an id of it is refused like any other outside.
    assert login("community1").get(reverse("household-list"), {"street": community.street_id}).context["form"].errors["street"]


def test_an_export_narrowed_to_one_community_succeeds_where_the_whole_area_is_refused(login, user, monkeypatch):
    street, community = node(user, "street1", "street"), node(user, "community2", "community")
    in_community = Household.objects.filter(grid__community=community, status="active").count()
    assert Household.objects.filter(grid__street=street, status="active").count() > in_community
    monkeypatch.setattr(views_excel, "EXPORT_LIMIT", in_community)
    client = login("street1")

    refused = client.get(reverse("ledger-export"), {"street": street.pk})
    assert refused.status_code == 302 and refused["Location"].endswith("#filters")
    message = html.unescape(client.get(refused["Location"]).content.decode())
    assert "请在下方筛选中选择街道或社区" in message and 'id="filters"' in message

    exported = client.get(reverse("ledger-export"), {"community": community.pk})
    assert exported.status_code == 200 and exported["Content-Disposition"].startswith("attachment")


def test_the_export_links_and_the_full_export_page_keep_the_place_filters(login, user):
    community = node(user, "community2", "community")
    client = login("street1")
    body = html.unescape(client.get(reverse("household-list"), {"community": community.pk}).content.decode())
    assert f'href="{reverse("ledger-export")}?community={community.pk}"' in body
    page = html.unescape(client.get(reverse("ledger-export-full"), {"community": community.pk}).content.decode())
    assert f'href="{reverse("household-list")}?community={community.pk}"' in page


def test_an_export_with_a_place_outside_the_area_is_refused(login, user):
    outside = node(user, "outsider", "community")
    response = login("street1").get(reverse("ledger-export"), {"community": outside.pk})
    assert response.status_code == 302 and response["Location"].startswith(reverse("household-list"))


def test_the_api_narrows_households_by_place_and_refuses_places_outside(api, user):
    client = api("district")
    street = node(user, "street02", "street")
    rows = client.get("/api/households/", {"street": street.pk, "page_size": 200}).json()
    assert rows["count"] == Household.objects.filter(grid__street=street, status="active").count() > 0
    community = node(user, "community2", "community")
    grids = {row["grid"] for row in client.get("/api/households/", {"community": community.pk, "page_size": 200}).json()["results"]}
    assert grids == set(community.grids.values_list("pk", flat=True))

    outside = node(user, "outsider", "community")
    refused = client.get("/api/households/", {"community": outside.pk})
    assert refused.status_code == 400 and "community" in refused.json()["extra"]["fields"]
    # A grid worker's filter reads their area only: a neighbouring grid is as unknown as a missing one.
    neighbour = node(user, "grid2", "grid")
    assert api("grid1").get("/api/households/", {"grid": neighbour.pk}).status_code == 400


def test_the_schema_documents_the_place_filters_of_both_lists(api):
    schema = api("district").get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/households/", "/api/requests/", "/api/requests/board/"):
        names = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert {"street", "community", "grid"} <= names, path


def test_street_ids_of_the_district_only_are_offered(login, user):
    offered = set(options(login("district").get(reverse("household-list")), "street")) - {""}
    assert offered == {str(pk) for pk in Street.objects.filter(district=node(user, "district", "district")).values_list("pk", flat=True)}
