"""Creating accounts and granting roles: only at or above the node, only roles no higher than one's own."""

import pytest
from django.urls import reverse

from governance.models import AuditEntry, Membership, User
from governance.roles import Role
from grids.models import Building, Grid

pytestmark = pytest.mark.django_db


def grid_of(user, username):
    return user(username).memberships.get().grid


def test_community_cadre_adds_a_part_time_worker_to_its_grid(login, user):
    grid = grid_of(user, "grid1")
    client = login("community1")
    response = client.post(
        reverse("person-create", kwargs={"level": "grid", "pk": grid.pk}),
        {"username": "newpart", "full_name": "赵新", "phone": "+86 139 0000 1111", "password": "s3cure-pass-1", "role": Role.GRID_PART_TIME},
    )
    assert response.status_code == 302
    created = User.objects.get(username="newpart")
    assert created.phone == "13900001111"
    assert created.check_password("s3cure-pass-1")
    assert created.memberships.get().grid == grid
    entries = AuditEntry.objects.filter(object_repr__contains="赵新")
    assert {e.action for e in entries} == {AuditEntry.Action.CREATE, AuditEntry.Action.GRANT}
    assert all(e.actor == user("community1") and e.grid_id == grid.pk for e in entries)
    # The new worker logs in by mobile number, replaces the password the cadre chose, and lands on the grid's home.
    client.logout()
    assert client.post(reverse("login"), {"username": "13900001111", "password": "s3cure-pass-1"}).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("password_change")
    new_password = {"old_password": "s3cure-pass-1", "new_password1": "own-Choice-2026", "new_password2": "own-Choice-2026"}
    assert client.post(reverse("password_change"), new_password).status_code == 302
    assert grid.name in client.get(reverse("home"), follow=True).content.decode()


def test_a_grid_keeps_a_single_full_time_worker(login, user):
    grid = grid_of(user, "grid1")
    response = login("community1").post(
        reverse("person-create", kwargs={"level": "grid", "pk": grid.pk}),
        {"username": "second", "full_name": "钱二", "phone": "", "password": "s3cure-pass-1", "role": Role.GRID_WORKER},
    )
    assert response.status_code == 200
    assert "已有专职网格员，请先撤销" in str(response.context["form"].errors)
    assert not User.objects.filter(username="second").exists()


def test_roles_higher_than_ones_own_are_not_offered_nor_accepted(login, user):
    community = user("community1").memberships.get().community
    client = login("community1")
    url = reverse("person-create", kwargs={"level": "community", "pk": community.pk})
    offered = {value for value, _label in client.get(url).context["form"].fields["role"].choices}
    assert offered == {Role.COMMUNITY_SECRETARY, Role.COMMUNITY_CADRE, Role.VOLUNTEER}
    response = client.post(url, {"username": "fs", "full_name": "孙书记", "password": "s3cure-pass-1", "role": Role.FIRST_SECRETARY})
    assert response.status_code == 200
    assert not User.objects.filter(username="fs").exists()


def test_street_cadre_may_appoint_a_first_secretary(login, user):
    community = user("community1").memberships.get().community
    response = login("street1").post(
        reverse("person-create", kwargs={"level": "community", "pk": community.pk}),
        {"username": "fs", "full_name": "孙书记", "password": "s3cure-pass-1", "role": Role.FIRST_SECRETARY},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user__username="fs").community == community


def test_grid_worker_cannot_manage_people(login, user):
    grid = grid_of(user, "grid1")
    client = login("grid1")
    assert client.get(reverse("person-create", kwargs={"level": "grid", "pk": grid.pk})).status_code == 403
    building = Building.objects.filter(grid=grid).first()
    assert client.get(reverse("role-grant", kwargs={"level": "building", "pk": building.pk})).status_code == 403


def test_cannot_grant_in_a_neighbouring_community(login, user):
    other_grid = grid_of(user, "grid3")
    response = login("community1").get(reverse("person-create", kwargs={"level": "grid", "pk": other_grid.pk}))
    assert response.status_code == 404


def test_grant_an_existing_account_and_revoke_it(login, user):
    building = Building.objects.filter(grid=grid_of(user, "grid1"), number=2).get()
    client = login("community1")
    response = client.post(
        reverse("role-grant", kwargs={"level": "building", "pk": building.pk}),
        {"identifier": user("volunteer1").phone, "role": Role.UNIT_HEAD, "unit_label": "2单元"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="volunteer1", role=Role.UNIT_HEAD)
    assert membership.building == building and membership.unit_label == "2单元"
    response = client.post(reverse("role-revoke", kwargs={"pk": membership.pk}))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REVOKE, building=building, actor=user("community1")).exists()


def test_unit_head_needs_a_unit(login, user):
    building = Building.objects.filter(grid=grid_of(user, "grid1"), number=3).get()
    response = login("community1").post(
        reverse("role-grant", kwargs={"level": "building", "pk": building.pk}), {"identifier": "volunteer1", "role": Role.UNIT_HEAD}
    )
    assert response.status_code == 200
    assert "unit_label" in response.context["form"].errors


def test_revoking_outside_scope_is_404(login, user):
    membership = user("grid3").memberships.get()
    assert login("community1").post(reverse("role-revoke", kwargs={"pk": membership.pk})).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_api_grant_and_revoke(api, user):
    grid = grid_of(user, "grid2")
    client = api("community1")
    response = client.post("/api/memberships/", {"username": "volunteer1", "role": Role.GRID_PART_TIME, "node_id": grid.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["node_name"] == grid.name
    # A unit above or outside the caller's area is bad input, named like a missing one (no oracle): 400 on node_id.
    response = client.post("/api/memberships/", {"username": "volunteer1", "role": Role.STREET_CADRE, "node_id": grid.community.street_id}, format="json")
    assert response.status_code == 400 and "node_id" in response.json()["extra"]["fields"]
    outside = Grid.objects.get(memberships__user__username="grid3")
    response = client.post("/api/memberships/", {"username": "volunteer1", "role": Role.GRID_PART_TIME, "node_id": outside.pk}, format="json")
    missing = client.post("/api/memberships/", {"username": "volunteer1", "role": Role.GRID_PART_TIME, "node_id": 10**9}, format="json")
    assert response.status_code == missing.status_code == 400 and response.json() == missing.json()
    response = api("grid2").post("/api/memberships/", {"username": "volunteer1", "role": Role.GRID_PART_TIME, "node_id": grid.pk}, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"message", "extra"}


@pytest.mark.parametrize(
    ("username", "feature"),
    [("community1", "volunteer-wishes"), ("community1", "volunteer-desk"), ("street1", "request-figures"), ("volunteer1", "volunteer-posts")],
)
def test_home_links_to_the_features_instead_of_announcing_them(login, username, feature):
    body = login(username).get(reverse("home"), follow=True).content.decode()
    assert f'href="{reverse(feature)}"' in body
    assert "即将上线" not in body
