"""The city above the district: its organization department sees its districts' rows and nothing of another city."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from governance.audit import audit_record
from governance.models import AuditEntry, District, Membership, PersonalDataLog, Street
from governance.permissions import can_grant, can_revoke
from governance.roles import Capability, Level, Role
from governance.scope import scope_for
from governance.selectors import node_counts
from governance.services import id_conflicts_log, membership_grant, node_save, personal_data_export_log, personal_data_reveal
from grids.models import Building, Grid
from households.models import Resident
from tests import factories as f
from tests.governance.test_queries import query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_city():
    """大连市 with one district, street, community and grid, and its own organization department."""
    city = f.CityFactory(name="大连市", code="210200")
    district = f.DistrictFactory(name="中山区", code="210202", city=city)
    street = f.StreetFactory(district=district, name="青泥洼桥街道", code="210202001000")
    grid = f.GridFactory(community=f.CommunityFactory(street=street, name="昆明街社区", code="210202001001"), sequence=1)
    f.UserFactory(username="city2", role=Role.CITY_ORG, node=city)
    return city, district, grid


def city_of(user, username="city1"):
    return user(username).memberships.get().city


def test_a_city_role_covers_its_districts_and_their_rows(user):
    city = city_of(user)
    district = user("district").memberships.get().district
    scope = scope_for(user("city1"))
    assert scope.node_ids[Level.CITY] == {city.pk}
    assert scope.node_ids[Level.DISTRICT] == {district.pk}
    assert scope.top_level() == Level.CITY
    grid = user("grid1").memberships.get().grid
    assert scope.contains(grid.ancestry()) and scope.contains(district.ancestry()) and scope.contains(city.ancestry())
    assert set(Grid.objects.visible_to(user("city1")).values_list("pk", flat=True)) == set(Grid.objects.filter(district=district).values_list("pk", flat=True))


def test_a_district_in_no_city_stays_outside_every_city(user):
    outside = District.objects.get(code="130104")
    assert outside.city_id is None
    assert not scope_for(user("city1")).contains(outside.ancestry())
    assert not Street.objects.visible_to(user("city1")).filter(district=outside).exists()


def test_the_city_reads_its_districts_in_one_more_query_and_others_in_none(user, django_assert_num_queries):
    city1, district = user("city1"), user("district")
    # The memberships, then the city's districts.
    with django_assert_num_queries(2):
        scope_for(city1)
        scope_for(city1, Capability.VIEW_FIGURES)
    # The memberships only.
    with django_assert_num_queries(1):
        scope_for(district)


def test_another_city_answers_404_on_pages_and_api(login, api, user, other_city):
    city, district, grid = other_city
    mine = city_of(user)
    for username, node, outside in (("city1", mine, city), ("city2", city, mine)):
        client, api_client = login(username), api(username)
        assert client.get(reverse("org-node", args=["city", node.pk])).status_code == 200
        assert client.get(reverse("org-node", args=["city", outside.pk])).status_code == 404
        assert client.get(reverse("dashboard", args=["city", outside.pk])).status_code == 404
        assert api_client.get(f"/api/cities/{outside.pk}/").status_code == 404
        assert api_client.get(f"/api/dashboards/city/{outside.pk}/").status_code == 404
        assert [row["id"] for row in api_client.get("/api/cities/").json()["results"]] == [node.pk]
    client = login("city1")
    assert client.get(reverse("org-node", args=["district", district.pk])).status_code == 404
    assert client.get(reverse("dashboard", args=["grid", grid.pk])).status_code == 404
    assert api("city1").get(f"/api/grids/{grid.pk}/").status_code == 404
    assert api("city2").get(f"/api/districts/{user('district').memberships.get().district_id}/").status_code == 404


def test_the_hierarchy_starts_at_the_city_and_lists_its_districts(login, user):
    city = city_of(user)
    client = login("city1")
    assert client.get(reverse("org-root"))["Location"] == reverse("org-node", args=["city", city.pk])
    response = client.get(reverse("org-node", args=["city", city.pk]))
    district = user("district").memberships.get().district
    below = node_counts(district)
    assert response.context["counts"] == {"districts": 1, **below} and below["central_households"] > 0
    assert [(child.name, child.street_count, child.community_count) for child in response.context["page"]] == [("长安区", 2, 3)]
    crumbs = client.get(reverse("org-node", args=["district", district.pk])).context["breadcrumbs"]
    assert [level for level, _node in crumbs] == [Level.CITY, Level.DISTRICT]
    # The district itself does not see the city above it.
    assert [level for level, _node in login("district").get(reverse("org-node", args=["district", district.pk])).context["breadcrumbs"]] == [Level.DISTRICT]


def test_a_membership_is_held_at_exactly_one_node(user):
    city = city_of(user)
    district = user("district").memberships.get().district
    person = f.UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=person, role=Role.CITY_ORG, city=city, district=district)
    Membership.objects.create(user=person, role=Role.CITY_ORG, city=city)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=person, role=Role.CITY_ORG, city=city)


def test_the_city_grants_district_and_street_roles_in_its_districts_only(user, other_city):
    city1 = user("city1")
    district = user("district").memberships.get().district
    street = user("street1").memberships.get().street
    assert can_grant(city1, Role.DISTRICT_ORG, district.ancestry())
    assert can_grant(city1, Role.STREET_CADRE, street.ancestry())
    assert not can_grant(city1, Role.CITY_ORG, other_city[0].ancestry())
    assert not can_grant(city1, Role.DISTRICT_ORG, other_city[1].ancestry())
    assert not can_grant(city1, Role.DISTRICT_ORG, District.objects.get(code="130104").ancestry())
    # The district may not grant the city's role, nor revoke it; the city may revoke the district's.
    assert not can_grant(user("district"), Role.CITY_ORG, city_of(user).ancestry())
    assert not can_revoke(user("district"), user("city1").memberships.get())
    assert can_revoke(city1, user("district").memberships.get())
    membership = membership_grant(actor=city1, user=f.UserFactory(), role=Role.STREET_CADRE, node=street)
    assert membership.street == street


def test_the_city_creates_districts_in_itself_and_the_district_does_not(user, other_city):
    city = city_of(user)
    created = node_save(actor=user("city1"), instance=District(city=city, name="新华区", code="130105"))
    assert created.city == city
    with pytest.raises(PermissionDenied):
        node_save(actor=user("city1"), instance=District(city=other_city[0], name="西岗区", code="210203"))
    with pytest.raises(PermissionDenied):
        node_save(actor=user("district"), instance=District(name="裕华区", code="130108"))
    with pytest.raises(ValidationError):
        node_save(actor=user("city1"), instance=District(city=city, name="错码区", code="210204"))


def test_only_the_administrator_places_a_district_without_a_city_in_one_and_never_moves_it(user, other_city):
    admin = f.UserFactory(is_superuser=True)
    outside = District.objects.get(code="130104")
    outside.city = city_of(user)
    with pytest.raises(PermissionDenied):
        node_save(actor=user("outsider"), instance=outside)
    node_save(actor=admin, instance=outside)
    outside.refresh_from_db()
    assert outside.city == city_of(user)
    assert scope_for(user("city1")).node_ids[Level.DISTRICT] >= {outside.pk}
    outside.city = other_city[0]
    with pytest.raises(ValidationError):
        node_save(actor=admin, instance=outside)


def test_log_entries_below_a_district_carry_its_city(user):
    grid = user("grid1").memberships.get().grid
    entry = audit_record(actor=user("community1"), action=AuditEntry.Action.UPDATE, instance=grid, changes={"name": ["a", "b"]})
    log = personal_data_export_log(actor=user("community1"), description="台账导出", rows=3, fields=["name"], unmasked=False, ancestry=grid.ancestry())
    city = city_of(user)
    assert AuditEntry.objects.get(pk=entry.pk).city_id == city.pk
    assert PersonalDataLog.objects.get(pk=log.pk).city_id == city.pk
    assert AuditEntry.objects.visible_to(user("city1"), Capability.VIEW_AUDIT).filter(pk=entry.pk).exists()
    # A district in no city leaves the column empty.
    outside = Grid.objects.get(district__code="130104")
    other = audit_record(actor=None, action=AuditEntry.Action.UPDATE, instance=outside, changes={"name": ["a", "b"]})
    assert AuditEntry.objects.get(pk=other.pk).city_id is None
    assert not AuditEntry.objects.visible_to(user("city1"), Capability.VIEW_AUDIT).filter(pk=other.pk).exists()


def test_the_city_reads_figures_and_logs_but_never_reveals_personal_data(user):
    city1 = user("city1")
    grid = user("grid1").memberships.get().grid
    for capability in (Capability.VIEW_FIGURES, Capability.VIEW_AUDIT, Capability.VIEW_ACCESS_LOG, Capability.VIEW_VETTING, Capability.MANAGE_HIERARCHY):
        assert scope_for(city1, capability).contains(grid.ancestry()), capability
    for capability in (Capability.REVEAL_PERSONAL, Capability.VIEW_SENSITIVE, Capability.EDIT_LEDGER):
        assert scope_for(city1, capability).is_empty, capability


def test_the_back_office_lists_cities_in_scope_and_memberships_at_the_city(login, user, other_city):
    client = login("city1")
    response = client.get(reverse("admin:governance_city_changelist"))
    assert response.status_code == 200
    assert [city.pk for city in response.context["cl"].result_list] == [city_of(user).pk]
    memberships = client.get(reverse("admin:governance_membership_changelist")).context["cl"].result_list
    assert user("city1").memberships.get() in memberships and user("district").memberships.get() in memberships
    assert not any(m.city_id == other_city[0].pk for m in memberships)
    assert client.get(reverse("admin:governance_district_change", args=[user("district").memberships.get().district_id])).status_code == 200


def test_the_api_lists_districts_with_their_city_and_memberships_at_the_city(api, user):
    city = city_of(user)
    body = api("city1").get("/api/districts/", {"city": city.pk}).json()
    assert [(row["name"], row["city"]) for row in body["results"]] == [("长安区", city.pk)]
    me = api("city1").get("/api/me/").json()
    assert [(m["role"], m["level"], m["node_id"]) for m in me["memberships"]] == [(Role.CITY_ORG, Level.CITY, city.pk)]


def test_reveal_and_id_clash_alerts_reach_the_citys_organization_department_once_and_no_other_city(
    user, other_city, settings, outbox, django_capture_on_commit_callbacks
):
    settings.PERSONAL_DATA_REVEALS_ALERT = 1
    settings.ID_CONFLICTS_ALERT = 0
    # A second account of the city's department, and one who holds the city's role and the district's both.
    second = f.UserFactory(username="city1b", role=Role.CITY_ORG, node=city_of(user))
    both = f.UserFactory(username="both", role=Role.CITY_ORG, node=city_of(user))
    Membership.objects.create(user=both, role=Role.DISTRICT_ORG, district=user("district").memberships.get().district)
    residents = list(Resident.objects.filter(household__grid=user("grid1").memberships.get().grid).exclude(id_number_enc="").order_by("id")[:3])
    with django_capture_on_commit_callbacks(execute=True):
        for resident in residents:
            personal_data_reveal(actor=user("community1"), instance=resident, purpose="visit")
        for _attempt in range(2):
            id_conflicts_log(actor=user("grid3"), residents=residents[:1], where="表单")
    expected = sorted([user("district").pk, user("city1").pk, second.pk, both.pk])
    for key in (f"reveals:{user('community1').pk}:", f"id-conflicts:{user('grid3').pk}:"):
        assert sorted(n.user_id for n in outbox if n.key.startswith(key)) == expected
    assert user("city2").pk not in {n.user_id for n in outbox}


def test_the_citys_hierarchy_page_and_home_count_every_level_in_constant_queries(login, user):
    city = city_of(user)
    client = login("city1")
    urls = [reverse("org-node", args=["city", city.pk]), reverse("home")]
    before = [query_count(client, url) for url in urls]
    for code in ("130105", "130108"):
        street = f.StreetFactory(district=f.DistrictFactory(name=f"新区{code}", code=code, city=city))
        f.BuildingFactory(grid=f.GridFactory(community=f.CommunityFactory(street=street), sequence=1), number=1)
    client = login("city1")
    assert [query_count(client, url) for url in urls] == before
    page = client.get(urls[0])
    assert {key: page.context["counts"][key] for key in ("districts", "buildings")} == {
        "districts": 3,
        "buildings": Building.objects.filter(grid__district__city=city).count(),
    }
    # The city's home shows the same counts.
    assert client.get(urls[1]).context["counts"] == page.context["counts"]


def test_the_administrators_hierarchy_starts_at_the_cities_once_every_district_has_one(client, user, other_city):
    admin = f.UserFactory(is_superuser=True)
    client.force_login(admin)
    outside = District.objects.get(code="130104")
    # A district on its own keeps the start page at the districts, so none is out of reach.
    page = client.get(reverse("org-root")).content.decode()
    assert reverse("org-node", args=["district", outside.pk]) in page
    outside.city = city_of(user)
    node_save(actor=admin, instance=outside)
    page = client.get(reverse("org-root")).content.decode()
    assert reverse("org-node", args=["city", city_of(user).pk]) in page and reverse("org-node", args=["city", other_city[0].pk]) in page
    assert reverse("org-node", args=["district", outside.pk]) not in page
