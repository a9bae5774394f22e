"""Masked personal data stays masked: no role without the reveal right can rebuild an ID number, and sensitive values are
reached neither through filters nor through the audit log (security review rows 1, 4, 5 and 6)."""

import datetime as dt
import importlib
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.idcard import CHECK_CHARS, WEIGHTS, check_char
from core.personal_data import decrypt
from governance.models import AuditEntry, Membership
from governance.roles import Capability, Role
from households import services
from households.models import Household, Resident

pytestmark = pytest.mark.django_db

# The review's numbers: a birth year no page shows for anything else, so any trace of it is a leak.
BIRTH = dt.date(1907, 6, 15)
BODY = f"130102{BIRTH:%Y%m%d}217"
ID_NUMBER = BODY + check_char(BODY)
OLD_FORMAT = ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]
OLD_MASK = re.compile(r"\d{6}\*{8}[\dX]{4}")
# The birth date (or its year alone) as an API, a page, the admin in either language or a spreadsheet would write it.
DATE_TRACE = re.compile(rf"{BIRTH.year}(?:[-/.年]|\d{{4}})|(?:, |\t|· |\"){BIRTH.year}\b")
MASK = re.compile(r"[\dX*]{18}")
MIN_CANDIDATES = 10_000


def part_time_worker(grid) -> str:
    return Membership.objects.filter(role=Role.GRID_PART_TIME, grid=grid).select_related("user").first().user.username


def household_of(user, username: str) -> Household:
    return Household.objects.filter(grid=user(username).memberships.get().grid, status=Household.Status.ACTIVE).order_by("id").first()


@pytest.fixture
def target(user):
    """A resident entered by the grid worker (so the audit log has its creation), plus a history row in the format written
    before the fix (birth date, the old mask, a digest), as an existing database holds them."""
    resident, _warnings = services.resident_create(
        actor=user("grid1"),
        household=household_of(user, "grid1"),
        id_number=ID_NUMBER,
        name="测试老人",
        relation=Resident.Relation.PARENT,
        income="dibao",
    )
    AuditEntry.objects.create(
        actor=user("grid1"),
        action=AuditEntry.Action.UPDATE,
        content_type=ContentType.objects.get_for_model(Resident),
        object_id=str(resident.pk),
        object_repr=resident.name,
        changes={"birth_date": [None, BIRTH.isoformat()], "id_number_masked": ["", OLD_FORMAT], "income": ["", "●43af7c2f"]},
        **{f"{level}_id": node for level, node in resident.ancestry().items()},
    )
    return resident


def _xlsx_text(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join("\t".join("" if value is None else str(value) for value in row) for row in book.active.iter_rows(values_only=True))


def everything_seen(username: str, resident: Resident, login, api) -> tuple[list[str], list[dict]]:
    """Every page, API answer, export and back-office view about the resident that this role can open."""
    web, client = login(username), api(username)
    household = resident.household
    records = [client.get(f"/api/residents/?household={household.pk}").json()["results"], [client.get(f"/api/residents/{resident.pk}/").json()]]
    urls = [
        f"/api/households/{household.pk}/",
        f"/api/audit/?object_id={resident.pk}",
        reverse("household-detail", args=[household.pk]),
        reverse("resident-edit", args=[resident.pk]),
        reverse("audit-list"),
        reverse("admin:households_resident_changelist") + f"?q={resident.name}",
        reverse("admin:households_resident_change", args=[resident.pk]),
        reverse("admin:governance_auditentry_changelist"),
        *[reverse("admin:governance_auditentry_change", args=[entry.pk]) for entry in AuditEntry.objects.filter(object_id=str(resident.pk))],
    ]
    bodies = [json.dumps(records, ensure_ascii=False)]
    for url in urls:
        response = (client if url.startswith("/api/") else web).get(url)
        if response.status_code == 200:
            bodies.append(response.content.decode())
    export = web.get(reverse("ledger-export") + f"?grid={household.grid_id}")
    if export.status_code == 200:
        bodies.append(_xlsx_text(export))
    return bodies, [record for page in records for record in page if record["id"] == resident.pk]


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def candidates(*, region: str, known: dict[int, str], age: int, male: bool, today: dt.date) -> set[str]:
    """Every 18-character number with this region, a birth date giving this age, an order code of this sex, a valid
    check character (GB 11643) and the characters the masks showed."""
    orders = {order: sum(int(digit) * weight for digit, weight in zip(order, WEIGHTS[14:], strict=True)) for order in map("{:03d}".format, range(1000))}
    orders = {order: weighted for order, weighted in orders.items() if int(order[2]) % 2 == male}
    found = set()
    day = dt.date(today.year - age - 1, 1, 1)
    while day.year <= today.year - age:
        if _age(day, today) == age:
            prefix = f"{region}{day:%Y%m%d}"
            weighted = sum(int(digit) * weight for digit, weight in zip(prefix, WEIGHTS, strict=False))
            for order, order_weighted in orders.items():
                number = prefix + order + CHECK_CHARS[(weighted + order_weighted) % 11]
                if all(number[position] == char for position, char in known.items()):
                    found.add(number)
        day += dt.timedelta(days=1)
    return found


@pytest.mark.parametrize("who", ["street1", "district", "part-time grid worker"])
def test_attack_rebuild_id_from_mask_and_birth_date_is_impossible(login, api, target, who):
    username = part_time_worker(target.household.grid) if who == "part-time grid worker" else who
    bodies, records = everything_seen(username, target, login, api)
    assert records and len(bodies) >= 6
    # The review's attack: mask[:6] + birth date + mask[-4:].
    for record in records:
        rebuilt = record["id_number_masked"][:6] + record.get("birth_date", "").replace("-", "") + record["id_number_masked"][-4:]
        assert rebuilt != ID_NUMBER
    text = "\n".join(bodies)
    assert ID_NUMBER not in text and not OLD_MASK.search(text)
    assert not DATE_TRACE.search(text)
    # What is left to the attacker: the masks, the age and the sex; the region is taken as known (most residents carry the
    # district's own code).
    today = timezone.localdate()
    masks = [mask for mask in MASK.findall(text) if "*" in mask and all(char in ("*", real) for char, real in zip(mask, ID_NUMBER, strict=True))]
    assert masks
    known = {position: char for mask in masks for position, char in enumerate(mask) if char != "*"}
    assert {record["age"] for record in records} == {_age(BIRTH, today)} and all("birth_date" not in record for record in records)
    found = candidates(region=ID_NUMBER[:6], known=known, age=_age(BIRTH, today), male=target.sex == Resident.Sex.MALE, today=today)
    assert ID_NUMBER in found
    assert len(found) >= MIN_CANDIDATES, len(found)


def test_those_who_may_reveal_still_see_the_birth_date(login, api, target):
    username = Membership.objects.filter(role=Role.GRID_WORKER, grid=target.household.grid).get().user.username
    record = api(username).get(f"/api/residents/{target.pk}/").json()
    assert record["birth_date"] == BIRTH.isoformat() and record["age"] == target.age
    assert BIRTH.isoformat() in login(username).get(reverse("household-detail", args=[target.household_id])).content.decode()


def test_attack_probe_stored_birth_date_through_the_edit_form_tells_nothing(login, target):
    """Without the date in the form, a new ID number is checked against nothing stored: no 'does not match' oracle."""
    username = part_time_worker(target.household.grid)
    client = login(username)
    form = client.get(reverse("resident-edit", args=[target.pk]))
    assert "birth_date" not in form.context["form"].fields
    body = f"130102{BIRTH.replace(day=16):%Y%m%d}217"
    response = client.post(reverse("resident-edit", args=[target.pk]), {"name": target.name, "relation": target.relation, "id_number": body + check_char(body)})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.birth_date == BIRTH.replace(day=16) and decrypt(target.id_number_enc) == body + check_char(body)


def test_the_migration_remasks_stored_masks_of_the_old_format(target):
    Resident.objects.filter(pk=target.pk).update(id_number_masked=OLD_FORMAT)
    importlib.import_module("households.migrations.0004_security_remask_id_numbers").remask(apps, None)
    target.refresh_from_db()
    assert target.id_number_masked == "13***************" + ID_NUMBER[-1]


@pytest.mark.parametrize(("who", "tag"), [("district", "disabled"), ("street1", "disabled"), ("part-time grid worker", "low_income")])
def test_attack_list_households_by_sensitive_tag_without_view_sensitive_is_refused(login, api, user, who, tag):
    grid = user("grid1").memberships.get().grid
    username = part_time_worker(grid) if who == "part-time grid worker" else who
    tagged = Household.objects.filter(status=Household.Status.ACTIVE, tag_links__tag__code=tag) | Household.objects.filter(
        status=Household.Status.ACTIVE, residents__tag_links__tag__code=tag
    )
    in_scope = tagged.visible_to(user(username), Capability.VIEW_LEDGER).distinct()
    assert in_scope.exists()
    assert api(username).get(f"/api/households/?tag={tag}").json()["count"] == 0
    # Those who may see the tag still filter by it.
    carer = "grid1" if who == "part-time grid worker" else "community1"
    assert api(carer).get(f"/api/households/?tag={tag}").json()["count"] > 0


def test_a_sensitive_tag_filters_only_where_the_user_may_see_it(api, user):
    """A community cadre who is also a street cadre filters the whole street by a plain tag, by a sensitive one only at home."""
    street1, community1 = user("street1"), user("community1").memberships.get().community
    Membership.objects.create(user=street1, role=Role.COMMUNITY_CADRE, community=community1)
    found = api("street1").get("/api/households/?tag=disabled&page_size=200").json()["results"]
    assert found and {row["grid"] for row in found} <= set(community1.grids.values_list("pk", flat=True))
    assert (
        api("street1").get("/api/households/?tag=elderly_80&page_size=200").json()["count"]
        > api("community1").get("/api/households/?tag=elderly_80").json()["count"]
    )


@pytest.mark.parametrize(
    "query", ["income=dibao", "health=serious", "disability__gt=", "birth_date__year=1971", "birth_date__gte=1971-10-19", "id_number_hash__startswith=a"]
)
def test_attack_filter_resident_changelist_by_hidden_field_is_refused(login, query):
    response = login("street1").get(reverse("admin:households_resident_changelist") + "?" + query)
    assert response.status_code == 400


def test_changelist_filters_stay_open_to_those_who_may_see_the_values(login):
    assert login("community1").get(reverse("admin:households_resident_changelist") + "?income=dibao").status_code == 200
    assert login("community1").get(reverse("admin:households_resident_changelist") + "?birth_date__year=1971").status_code == 200


def test_attack_filter_audit_changes_in_the_back_office_is_refused(login, target):
    response = login("street1").get(reverse("admin:governance_auditentry_changelist") + "?changes__birth_date__1__startswith=1907")
    assert response.status_code == 400


def test_attack_group_residents_by_audit_digest_is_impossible(login, api, user):
    """The review's steps: community1 adds three members (income dibao, dibao, normal; health serious, healthy, healthy),
    street1 reads the audit log."""
    household = household_of(user, "grid1")
    client = login("community1")
    people = [("甲", "dibao", "serious", "肢体残疾 三级"), ("乙", "dibao", "healthy", ""), ("丙", "normal", "healthy", "")]
    for name, income, health, disability in people:
        data = {"name": f"测试{name}", "relation": "other", "sex": "F", "income": income, "health": health, "disability": disability}
        response = client.post(reverse("resident-create", args=[household.pk]), data)
        assert response.status_code == 302, response.context["form"].errors
    created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_repr__startswith="测试").order_by("id")
    assert [entry.changes["income"] for entry in created] == [[None, "●"]] * 3
    assert {json.dumps({key: entry.changes[key] for key in Resident.SENSITIVE_FIELDS}) for entry in created} == {
        json.dumps({key: [None, "●"] for key in Resident.SENSITIVE_FIELDS})
    }
    seen = [row for row in api("street1").get("/api/audit/?action=create&page_size=50").json()["results"] if row["object_repr"].startswith("测试")]
    assert len(seen) == 3
    assert {json.dumps({key: row["changes"][key] for key in (*Resident.SENSITIVE_FIELDS, "birth_date")}) for row in seen} == {
        json.dumps({key: [None, "●"] for key in (*Resident.SENSITIVE_FIELDS, "birth_date")})
    }
    # An update is recorded as changed, to nothing readable.
    resident = Resident.objects.get(name="测试丙")
    services.resident_update(actor=household.grid.memberships.get(role=Role.GRID_WORKER).user, resident=resident, income="low")
    assert AuditEntry.objects.filter(object_id=str(resident.pk), action=AuditEntry.Action.UPDATE).get().changes == {"income": ["●", "●"]}


def test_audit_rows_written_before_the_fix_are_shown_changed_only(api, login, target):
    old = AuditEntry.objects.get(object_id=str(target.pk), action=AuditEntry.Action.UPDATE)
    shown = next(row for row in api("street1").get(f"/api/audit/?object_id={target.pk}").json()["results"] if row["id"] == old.pk)
    assert shown["changes"] == {"birth_date": [None, "●"], "id_number_masked": ["●", "●"], "income": ["●", "●"]}
    page = login("street1").get(reverse("admin:governance_auditentry_change", args=[old.pk])).content.decode()
    assert "43af7c2f" not in page and OLD_FORMAT not in page and "1907-06-15" not in page
