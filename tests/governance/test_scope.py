"""Each user sees exactly its subtree through pages, admin and API; outside answers 404."""

import pytest
from django.urls import reverse

from governance.models import Community, Street
from governance.roles import Level
from grids.models import Building, Grid
from tests import world
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

MODELS = {Level.STREET: Street, Level.COMMUNITY: Community, Level.GRID: Grid, Level.BUILDING: Building}
API = {Level.STREET: "/api/streets/", Level.COMMUNITY: "/api/communities/", Level.GRID: "/api/grids/", Level.BUILDING: "/api/buildings/"}


def expected_ids(username: str, level: str) -> set[int]:
    """Computed from the records without the scope module: walk the user's memberships by hand."""
    from governance.models import Membership

    ids = set()
    model = MODELS[level]
    for m in Membership.objects.filter(user__username=username):
        for obj in model.objects.all():
            chain = dict.fromkeys(Level.values)
            node = obj
            while node is not None:
                chain[node.LEVEL] = node.pk
                node = getattr(node, node.PARENT_FIELD) if node.PARENT_FIELD else None
            if chain[m.level] == m.node.pk:
                ids.add(obj.pk)
    return ids


def api_ids(client, url: str) -> set[int]:
    ids, page = set(), url + "?page_size=200"
    while page:
        body = client.get(page).json()
        ids |= {row["id"] for row in body["results"]}
        page = body["next"]
    return ids


@pytest.mark.parametrize("username", PERSONAS)
@pytest.mark.parametrize("level", list(MODELS))
def test_api_lists_exactly_the_subtree(api, username, level):
    assert api_ids(api(username), API[level]) == expected_ids(username, level)


def test_expected_scopes_are_not_trivial():
    # Guard against a vacuous comparison: the personas really differ in what they see.
    assert len(expected_ids("grid1", Level.BUILDING)) == world.BUILDINGS_PER_GRID
    assert len(expected_ids("community1", Level.GRID)) == 3
    assert len(expected_ids("street1", Level.COMMUNITY)) == 2
    assert len(expected_ids("district", Level.GRID)) == sum(len(grids) for _s, _n, communities in world.STREETS for _c, _n2, grids in communities) == 6
    assert expected_ids("grid1", Level.GRID).isdisjoint(expected_ids("grid2", Level.GRID))
    assert expected_ids("outsider", Level.GRID).isdisjoint(expected_ids("district", Level.GRID))
    assert expected_ids("city1", Level.GRID) == expected_ids("district", Level.GRID)


@pytest.mark.parametrize("username", PERSONAS)
def test_pages_and_api_answer_404_outside_the_subtree(api, login, username):
    client = login(username)
    api_client = api(username)
    for level, model in MODELS.items():
        visible = expected_ids(username, level)
        inside = next(iter(visible), None)
        outside = model.objects.exclude(pk__in=visible).first()
        if inside is not None:
            assert client.get(reverse("org-node", kwargs={"level": level, "pk": inside})).status_code == 200
            assert api_client.get(f"{API[level]}{inside}/").status_code == 200
        assert client.get(reverse("org-node", kwargs={"level": level, "pk": outside.pk})).status_code == 404
        response = api_client.get(f"{API[level]}{outside.pk}/")
        assert response.status_code == 404
        assert set(response.json()) == {"message", "extra"}


def test_out_of_scope_and_missing_look_the_same(login):
    client = login("grid1")
    other = Grid.objects.get(memberships__user__username="grid2")
    outside = client.get(reverse("org-node", kwargs={"level": "grid", "pk": other.pk}))
    missing = client.get(reverse("org-node", kwargs={"level": "grid", "pk": 987654}))
    assert outside.status_code == missing.status_code == 404
    assert main_text(outside) == main_text(missing)


def main_text(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


@pytest.mark.parametrize("username", ["grid1", "community1", "street1", "district", "city1", "outsider"])
def test_admin_changelist_shows_only_the_subtree(login, username):
    client = login(username)
    response = client.get(reverse("admin:grids_grid_changelist"))
    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == expected_ids(username, Level.GRID)


def test_admin_change_view_of_an_outside_grid_does_not_open(login):
    client = login("community1")
    outside = Grid.objects.exclude(pk__in=expected_ids("community1", Level.GRID)).first()
    response = client.get(reverse("admin:grids_grid_change", args=[outside.pk]))
    assert response.status_code == 302
    assert outside.name not in response.content.decode()


def test_volunteer_has_no_back_office(login):
    client = login("volunteer1")
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_hierarchy_browser_starts_at_the_personas_own_node(login, user):
    response = login("community1").get(reverse("org-root"))
    community = user("community1").memberships.get().community
    assert response.status_code == 302
    assert response["Location"] == reverse("org-node", kwargs={"level": "community", "pk": community.pk})


def test_node_page_shows_counts_and_role_holders(login, user):
    community = user("community1").memberships.get().community
    response = login("street1").get(reverse("org-node", kwargs={"level": "community", "pk": community.pk}))
    body = response.content.decode()
    # Three grids of BUILDINGS_PER_GRID buildings, a central household in each odd-numbered one.
    per_grid = world.BUILDINGS_PER_GRID
    assert response.context["counts"] == {"grids": 3, "buildings": 3 * per_grid, "central_households": 3 * ((per_grid + 1) // 2)}
    assert user("community1").full_name in body
    for grid in community.grids.all():
        assert grid.name in body
