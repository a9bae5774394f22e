"""Review rows 12, 13 and 20, and resident units' phones: figures, visit notes and phone numbers reached around the checks."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.personal_data import mask_phone
from governance.models import Membership, ResidentUnit, User
from households import services as ledger
from households.models import Household
from resident_requests.models import Category, ResidentRequest
from resident_requests.services.intake import request_submit

pytestmark = pytest.mark.django_db


def node_of(username):
    return User.objects.get(username=username).memberships.get().node


def building_head_of_community1() -> Membership:
    return (
        Membership.objects.filter(role="building_head", building__grid__community=node_of("community1"), user__phone__isnull=False)
        .select_related("user")
        .first()
    )


def figure_pages(community, grid) -> list[str]:
    return [
        reverse("dashboard", args=["community", community.pk]),
        reverse("dashboard-export", args=["community", community.pk]),
        reverse("dashboard", args=["grid", grid.pk]),
        reverse("situation-map", args=["community", community.pk]),
        reverse("situation-map", args=["grid", grid.pk]),
        reverse("coverage", args=["community", community.pk]),
        reverse("request-figures") + f"?level=community&pk={community.pk}",
        reverse("request-figures"),
        reverse("dashboard-root"),
    ]


def test_attack_volunteer_and_building_head_read_dashboards_map_and_figures(login):
    cache.clear()
    community, grid = node_of("community1"), node_of("grid1")
    head = building_head_of_community1().user
    for reader in ("volunteer1", head.username):
        for url in figure_pages(community, grid):
            assert login(reader).get(url).status_code in (403, 404), (reader, url)
    staff = {"community1": figure_pages(community, grid)[:-1], "grid1": [reverse("situation-map", args=["grid", grid.pk]), reverse("request-figures")]}
    for reader, urls in staff.items():
        for url in urls:
            assert login(reader).get(url).status_code == 200, (reader, url)


def test_attack_volunteer_chosen_as_handler_reads_the_households_visit_notes(api, login):
    grid = node_of("grid1")
    household = Household.objects.filter(grid=grid, status="active").order_by("id").first()
    ledger.visit_record(actor=User.objects.get(username="grid1"), household=household, findings="身体状况良好，生活能自理-探针")
    request = request_submit(
        source=ResidentRequest.Source.PUBLIC_FORM,
        category=Category.objects.get(code="property-3"),
        description="楼道灯坏了",
        grid=grid,
        building=household.building,
        household=household,
        reporter_name="王大妈",
        phone="13812345678",
    )
    cadre = api("community1")
    assert cadre.post(f"/api/requests/{request.pk}/accept/", {}, format="json").status_code == 200
    volunteer = User.objects.get(username="volunteer1")
    assert cadre.post(f"/api/requests/{request.pk}/dispatch/", {"handler": volunteer.pk}, format="json").status_code == 200
    page = login("volunteer1").get(reverse("request-detail", args=[request.pk]))
    assert page.status_code == 200 and "探针" not in page.content.decode()
    assert "探针" not in api("volunteer1").get(f"/api/requests/{request.pk}/").content.decode()
    assert "探针" in login("grid1").get(reverse("request-detail", args=[request.pk])).content.decode()


def test_attack_volunteer_reads_building_heads_phone_on_the_hierarchy_page(login):
    membership = building_head_of_community1()
    url = reverse("org-node", args=["building", membership.building_id])
    phone = membership.user.phone
    for reader in ("volunteer1", "grid1"):
        body = login(reader).get(url).content.decode()
        assert phone not in body and mask_phone(phone) in body
    assert phone in login("community1").get(url).content.decode()


def test_attack_volunteer_reads_resident_units_contact_phones(api, login):
    community = node_of("community1")
    unit = ResidentUnit.objects.filter(community=community).exclude(contact_phone="").first()
    # A first secretary reads the community (and its back office) without managing its units.
    secretary = User.objects.create_user("first-secretary-1", password="x-unused-2026")
    Membership.objects.create(user=secretary, role="first_secretary", community=community)
    for reader in ("volunteer1", secretary.username):
        listed = {row["id"]: row["contact_phone"] for row in api(reader).get("/api/resident-units/", {"page_size": 200}).json()["results"]}
        assert listed[unit.pk] == mask_phone(unit.contact_phone)
        assert api(reader).get(f"/api/resident-units/{unit.pk}/").json()["contact_phone"] == mask_phone(unit.contact_phone)
    assert api("community1").get(f"/api/resident-units/{unit.pk}/").json()["contact_phone"] == unit.contact_phone
    admin_page = login(secretary.username).get(reverse("admin:governance_residentunit_change", args=[unit.pk]))
    assert admin_page.status_code == 200
    assert unit.contact_phone not in admin_page.content.decode() and mask_phone(unit.contact_phone) in admin_page.content.decode()
    assert unit.contact_phone in login("community1").get(reverse("admin:governance_residentunit_change", args=[unit.pk])).content.decode()
