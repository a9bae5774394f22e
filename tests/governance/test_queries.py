"""Every list answers in a constant number of queries: adding rows adds no query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import User
from governance.roles import Role
from governance.services import membership_grant, node_save
from grids.models import Building, Grid

pytestmark = pytest.mark.django_db


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def grow(user, start: int) -> None:
    """More children, role holders and audit rows under community1 and grid1, written through services."""
    actor = user("district")
    grid = user("grid1").memberships.get().grid
    for number in range(start, start + 8):
        node_save(actor=actor, instance=Building(grid=grid, number=number, name=f"加建{number}号楼"))
    for sequence in range(start, start + 4):
        node_save(actor=actor, instance=Grid(community=grid.community, sequence=sequence, name=f"新增第{sequence}网格"))
    for index in range(start, start + 4):
        extra = User.objects.create_user(f"extra{index}", password="x")
        membership_grant(actor=actor, user=extra, role=Role.GRID_PART_TIME, node=grid)


def urls(user) -> list[str]:
    grid = user("grid1").memberships.get().grid
    return [
        "/",
        f"/org/community/{grid.community_id}/",
        f"/org/grid/{grid.pk}/",
        "/audit/",
        "/admin/grids/grid/",
        "/admin/grids/building/",
        "/admin/governance/membership/",
        "/admin/governance/user/",
        "/admin/governance/auditentry/",
        "/api/grids/",
        "/api/buildings/",
        "/api/memberships/",
        "/api/audit/",
        "/api/communities/",
        "/api/resident-units/",
    ]


def test_list_query_counts_do_not_grow_with_rows(login, user):
    # Start from non-empty lists (an empty page skips its fetch), then triple them.
    grow(user, 100)
    client = login("community1")
    before = {url: query_count(client, url) for url in urls(user)}
    grow(user, 200)
    grow(user, 300)
    client = login("community1")
    after = {url: query_count(client, url) for url in urls(user)}
    assert after == before


def test_grid_page_query_count(login, user, django_assert_num_queries):
    client = login("community1")
    grid = user("grid1").memberships.get().grid
    # session, user, memberships (scope), the grid with its parents up to the city (the breadcrumbs), counts of
    # buildings and central households, the page of buildings, the count for its paginator, role holders,
    # the unread notifications and the requests waiting (我的诉求) in the header.
    with django_assert_num_queries(11):
        assert client.get(f"/org/grid/{grid.pk}/").status_code == 200


def test_api_grid_list_query_count(api, user, django_assert_num_queries):
    client = api("street1")
    # user's memberships (scope), COUNT for pagination, the page of grids.
    with django_assert_num_queries(3):
        body = client.get("/api/grids/").json()
    # The world's street1 has community1 (3 grids) and community2 (2 grids).
    assert body["count"] == Grid.objects.filter(street=user("street1").memberships.get().street).count() == 5
