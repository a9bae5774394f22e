"""The household ledger: scope, masking, reveal with a logged reason, sensitive data, history."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.idcard import check_char
from governance.models import Membership, PersonalDataLog
from governance.roles import Capability
from households import services
from households.models import CareTag, Household, Resident

pytestmark = pytest.mark.django_db


def new_id(birth="19520304", order=21) -> str:
    body = f"130102{birth}{order:03d}"
    return body + check_char(body)


def test_grid_worker_sees_own_households_and_404_for_the_neighbours(login, household_of):
    client = login("grid1")
    assert client.get(reverse("household-detail", args=[household_of("grid1").pk])).status_code == 200
    assert client.get(reverse("household-detail", args=[household_of("grid2").pk])).status_code == 404
    assert client.get(reverse("building-households", args=[household_of("grid2").building_id])).status_code == 404
    listed = {row["id"] for row in login("grid1").get("/api/households/?page_size=200").json()["results"]}
    assert household_of("grid1").pk in listed and household_of("grid2").pk not in listed


def test_community2_cannot_see_community1s_households(login, api, household_of):
    household = household_of("grid1")
    assert login("community2").get(reverse("household-detail", args=[household.pk])).status_code == 404
    assert api("community2").get(f"/api/households/{household.pk}/").status_code == 404
    assert api("community2").get(f"/api/residents/{household.head_id}/").status_code == 404


def test_volunteer_sees_no_ledger(login, api, household_of):
    assert login("volunteer1").get(reverse("household-detail", args=[household_of("grid1").pk])).status_code == 404
    assert api("volunteer1").get("/api/households/").json()["count"] == 0


@pytest.mark.parametrize("username", ["grid1", "community1", "street1", "district"])
def test_unmasked_id_and_phone_never_appear_without_a_reveal(login, api, household_of, plain, username):
    household = household_of("grid1")
    id_number, phone = plain(household.head)
    pages = [
        login(username).get(reverse("household-detail", args=[household.pk])).content.decode(),
        login(username).get(reverse("building-households", args=[household.building_id])).content.decode(),
        login(username).get(reverse("household-list") + f"?grid={household.grid_id}").content.decode(),
        api(username).get(f"/api/residents/?household={household.pk}").content.decode(),
        api(username).get(f"/api/households/{household.pk}/").content.decode(),
        login(username).get(reverse("admin:households_resident_change", args=[household.head_id])).content.decode(),
    ]
    for body in pages:
        assert id_number not in body and phone not in body
    assert household.head.id_number_masked in pages[0]
    assert id_number[:2] + "*" * 15 + id_number[-1] == household.head.id_number_masked


def test_reveal_needs_a_reason_and_is_logged(login, household_of, plain, user):
    household = household_of("grid1")
    id_number, _phone = plain(household.head)
    client = login("grid1")
    url = reverse("resident-reveal", args=[household.head_id])
    refused = client.post(url, {"purpose": "other", "reason": ""})
    assert id_number not in refused.content.decode()
    assert not PersonalDataLog.objects.filter(object_id=str(household.head_id)).exists()
    shown = client.post(url, {"purpose": "other", "reason": "核对低保申请材料"}, HTTP_HX_REQUEST="true")
    assert id_number in shown.content.decode()
    log = PersonalDataLog.objects.get(object_id=str(household.head_id))
    assert log.user == user("grid1") and log.reason == "核对低保申请材料" and "id_number" in log.fields
    # The district organization department reads the log; a grid worker does not.
    assert "核对低保申请材料" in login("district").get(reverse("admin:governance_personaldatalog_changelist")).content.decode()
    assert login("grid1").get(reverse("admin:governance_personaldatalog_changelist")).status_code == 403


def test_roles_without_the_reveal_permission_cannot_reveal(login, api, household_of):
    household = household_of("grid1")
    assert login("street1").post(reverse("resident-reveal", args=[household.head_id]), {"purpose": "visit", "reason": "想看一下"}).status_code == 403
    assert api("district").post(f"/api/residents/{household.head_id}/reveal/", {"purpose": "visit", "reason": "想看一下"}, format="json").status_code == 403
    assert not PersonalDataLog.objects.exists()


def test_sensitive_fields_and_tags_only_for_carers_or_an_explicit_grant(login, api, household_of, user):
    household = household_of("grid1")
    head = household.head
    actor = user("grid1")
    services.resident_update(actor=actor, resident=head, health=Resident.Health.SERIOUS, disability="视力残疾 二级")
    services.resident_set_tags(actor=actor, resident=head, tags=["disabled"])
    disabled = CareTag.objects.get(code="disabled").name
    url = reverse("household-detail", args=[household.pk])
    grid_page = login("grid1").get(url).content.decode()
    # The tag as its badge shows it: the history may say that the disability field changed, never to what.
    assert "视力残疾 二级" in grid_page and f">{disabled}<" in grid_page
    street_page = login("street1").get(url).content.decode()
    assert "视力残疾 二级" not in street_page and f">{disabled}<" not in street_page
    row = api("street1").get(f"/api/residents/{head.pk}/").json()
    assert "disability" not in row and "disabled" not in row["tags"]
    # A role granted the capability explicitly sees it.
    Membership.objects.filter(user__username="street1").update(extra_capabilities=[Capability.VIEW_SENSITIVE])
    assert "视力残疾 二级" in login("street1").get(url).content.decode()


def test_a_part_time_worker_keeps_the_ledger_but_not_sensitive_data(household_of):
    from django.core.exceptions import PermissionDenied

    household = household_of("grid1")
    part_timer = Membership.objects.get(role="grid_part_time", grid=household.grid).user
    services.resident_update(actor=part_timer, resident=household.head, work_unit="区人民医院")
    with pytest.raises(PermissionDenied):
        services.resident_update(actor=part_timer, resident=household.head, income=Resident.Income.DIBAO)
    with pytest.raises(PermissionDenied):
        services.resident_set_tags(actor=part_timer, resident=household.head, tags=["disabled"])
    household.head.refresh_from_db()
    assert household.head.work_unit == "区人民医院" and household.head.income != Resident.Income.DIBAO


def test_duplicate_id_names_the_household_only_when_visible(user, household_of, plain):
    existing = household_of("grid1")
    id_number, _ = plain(existing.head)
    with pytest.raises(ValidationError) as visible:
        services.resident_create(actor=user("community1"), household=household_of("grid2"), name="重复", id_number=id_number)
    assert str(existing) in str(visible.value)
    with pytest.raises(ValidationError) as hidden:
        services.resident_create(actor=user("grid2"), household=household_of("grid2"), name="重复", id_number=id_number)
    assert str(existing) not in str(hidden.value) and "其他辖区" in str(hidden.value)


def test_birth_date_and_sex_must_agree_with_the_id(user, household_of):
    with pytest.raises(ValidationError) as exc:
        services.resident_create(
            actor=user("grid1"),
            household=household_of("grid1"),
            name="王五",
            id_number=new_id(order=21),
            sex=Resident.Sex.FEMALE,
            birth_date=dt.date(1952, 3, 5),
        )
    assert set(exc.value.message_dict) == {"birth_date", "sex"}
    resident, _ = services.resident_create(actor=user("grid1"), household=household_of("grid1"), name="王五", id_number=new_id(order=21))
    assert resident.birth_date == dt.date(1952, 3, 4) and resident.sex == Resident.Sex.MALE


def test_register_household_and_member_through_the_pages(login, user):
    grid = user("grid1").memberships.get().grid
    building = grid.buildings.order_by("number").first()
    client = login("grid1")
    response = client.post(
        reverse("household-create", args=[building.pk]),
        {
            "unit": 1,
            "floor": 9,
            "room": "902",
            "phone": "13911112222",
            "tenure": "tenant",
            "residence": "both",
            "tags": [CareTag.objects.get(code="living_alone").pk],
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(building=building, room="902")
    assert household.phone_masked == "139****2222" and household.key_care
    response = client.post(
        reverse("resident-create", args=[household.pk]), {"name": "孙大爷", "relation": "head", "id_number": new_id("19400101", 33), "phone": ""}
    )
    assert response.status_code == 302, response.context["form"].errors
    household.refresh_from_db()
    assert household.head.name == "孙大爷"
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    assert "孙大爷" in page and "13***************" in page
    # The history on the record says who changed what.
    client.post(reverse("household-edit", args=[household.pk]), {"unit": 1, "floor": 9, "room": "902", "tenure": "owner", "residence": "both", "tags": []})
    page = client.get(reverse("household-detail", args=[household.pk])).content.decode()
    # In the reader's words: the field's label and the choices' labels, never the stored codes.
    assert "<strong>居住类型</strong>: 租住 → 自有" in page and "tenant" not in page


def test_an_invalid_id_on_the_page_keeps_what_was_typed(login, household_of):
    household = household_of("grid1")
    response = login("grid1").post(
        reverse("resident-create", args=[household.pk]), {"name": "赵六", "relation": "child", "id_number": "130102199001010000", "phone": "12345"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "id_number" in errors and "phone" in errors
    assert 'value="赵六"' in response.content.decode()


def test_moving_out_archives_the_household_and_frees_the_id(user, household_of, plain, login):
    household = household_of("grid1")
    id_number, _ = plain(household.head)
    services.household_archive(actor=user("grid1"), household=household, moved_out_on=timezone.localdate())
    household.refresh_from_db()
    assert household.status == Household.Status.ARCHIVED
    assert not household.residents.filter(moved_out_on__isnull=True).exists()
    assert login("grid1").get(reverse("household-detail", args=[household.pk])).status_code == 200
    with pytest.raises(ValidationError):
        services.household_update(actor=user("grid1"), household=household, tenure="tenant")
    # The person registers again in a new home in the district.
    resident, _ = services.resident_create(actor=user("community1"), household=household_of("grid2"), name=household.head.name, id_number=id_number)
    assert resident.household == household_of("grid2") and plain(resident)[0] == id_number


def test_recording_a_visit_moves_the_due_date(login, household_of):
    household = household_of("grid1")
    client = login("grid1")
    visited = timezone.localtime().replace(second=0, microsecond=0)
    response = client.post(
        reverse("visit-create", args=[household.pk]),
        {"visited_at": visited.strftime("%Y-%m-%dT%H:%M"), "method": "phone", "met_person": "本人", "findings": "一切正常"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.last_visited_at == visited
    assert household.next_visit_due == visited.date() + dt.timedelta(days=household.visit_cadence_days)
    # A visit entered late for an older date does not move the due date back.
    services.visit_record(actor=household.visits.first().visitor, household=household, visited_at=visited - dt.timedelta(days=40))
    household.refresh_from_db()
    assert household.last_visited_at == visited


def test_a_future_visit_is_refused(user, household_of):
    with pytest.raises(ValidationError):
        services.visit_record(actor=user("grid1"), household=household_of("grid1"), visited_at=timezone.now() + dt.timedelta(days=1))


def test_search_by_phone_tail_name_and_tag(login, household_of):
    household = household_of("grid1")
    client = login("community1")
    tail = household.phone_masked[-4:]
    assert household in client.get(reverse("household-list") + f"?q={tail}").context["page"].object_list
    assert household in client.get(reverse("household-list") + f"?q={household.head.name}").context["page"].object_list
    tagged = Household.objects.filter(grid__community=household.grid.community, tag_links__tag__code="living_alone").first()
    if tagged is not None:
        listed = client.get(reverse("household-list") + "?tag=living_alone&page=1").context["page"].paginator.object_list
        assert tagged in listed
