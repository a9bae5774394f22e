"""Excel template, all-or-nothing import with a row-by-row report, and masked, logged exports."""

import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from core.idcard import check_char
from core.personal_data import decrypt
from governance.models import AuditEntry, PersonalDataLog, User
from grids.models import Grid
from households import excel, services
from households.excel import header_row
from households.imports import ledger_import
from households.models import CareTag, Household, ImportRun, Resident
from tests import world

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID_COLUMN = 9  # in an export: the grid, then the template's columns
PHONE_COLUMN = 12


def grid_of(username) -> Grid:
    return User.objects.get(username=username).memberships.get().grid


def id_for(index: int) -> str:
    """A valid ID number in a region the world's ledger does not use, distinct for each index below 600,000."""
    body = f"130105{1950 + index % 50}{(index % 12) + 1:02d}{(index % 28) + 1:02d}{(index // 336) % 1000:03d}"
    return body + check_char(body)


def xlsx(rows, header=None, name="households.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header or header_row())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def person(building, room, name, number="", relation="户主", phone="", tags="", unit=9, floor=9):
    return [building, unit, floor, room, "13700000001", "自有", relation, name, number, "", "", phone, "", "", "否", "", "", tags]


def upload(client, grid, rows, **extra):
    return client.post(reverse("ledger-import"), {"grid": grid.pk, "file": xlsx(rows), **extra}, follow=True)


def latest_run() -> ImportRun:
    return ImportRun.objects.latest("created_at")


def exported(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]


@pytest.fixture
def ledger(user):
    """Two households of grid1's first building made through the services, with known ID numbers and phones."""
    actor = user("grid1")
    building = grid_of("grid1").buildings.order_by("number").first()
    living_alone = CareTag.objects.get(code="living_alone")
    made = []
    for index in range(2):
        household = services.household_create(actor=actor, building=building, unit=9, floor=1, room=f"90{index}", phone=f"1390000000{index}")
        resident, _warnings = services.resident_create(
            actor=actor,
            household=household,
            id_number=id_for(500_000 + index),
            phone=f"1380000000{index}",
            name=f"测试{index}",
            relation="head",
            tags=[living_alone],
        )
        made.append((household, resident))
    return made


def test_template_downloads_and_imports_back(login):
    client = login("grid1")
    response = client.get(reverse("ledger-template"))
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "导入模板 · 户情台账"
    assert [cell.value for cell in sheet[2]] == header_row() == ["楼栋编号", "单元", "楼层", "房号", *header_row()[4:]]
    assert sheet.max_row == 2 and len(book.worksheets) == 2 and sheet.freeze_panes == "A3"
    assert sheet["A2"].fill.fgColor.rgb != sheet["E2"].fill.fgColor.rgb  # required columns stand out
    assert sheet.column_dimensions["I"].width >= 20  # an 18-digit ID number fits
    sheet.append(person(1, "808", "周一", id_for(1)))
    spouse = person(1, "808", "周二", relation="配偶")
    spouse[9] = "女"
    sheet.append(spouse)
    buffer = io.BytesIO()
    book.save(buffer)
    client.post(reverse("ledger-import"), {"grid": grid_of("grid1").pk, "file": SimpleUploadedFile("t.xlsx", buffer.getvalue())})
    run = latest_run()
    assert (run.status, run.households, run.residents) == (ImportRun.Status.SUCCEEDED, 1, 2), run.errors


def test_template_needs_the_right_to_keep_the_ledger(login):
    assert login("volunteer1").get(reverse("ledger-template")).status_code == 403
    assert login("volunteer1").get(reverse("ledger-import")).status_code == 403


def test_a_valid_file_imports_households_with_encrypted_ids(login):
    grid = grid_of("grid1")
    audits = AuditEntry.objects.count()
    rows = [
        person(1, "801", "钱一", id_for(1), tags="独居"),
        person(1, "801", "钱二", id_for(2), relation="配偶", phone="13912345678"),
        person("2号楼", "802", "孙三", id_for(3), tags="低保/低收入"),
    ]
    response = upload(login("grid1"), grid, rows)
    body = response.content.decode()
    run = latest_run()
    assert (run.status, run.households, run.residents) == (ImportRun.Status.SUCCEEDED, 2, 3)
    household = Household.objects.get(building__grid=grid, building__number=1, unit=9, room="801")
    assert household.head.name == "钱一" and household.floor == 9 and household.tenure == Household.Tenure.OWNER
    assert (household.key_care, household.visit_cadence_days, household.next_visit_due) == (True, 7, timezone.localdate())
    spouse = household.residents.get(name="钱二")
    assert decrypt(spouse.id_number_enc) == id_for(2) and spouse.id_number_masked == id_for(2)[:2] + "*" * 15 + id_for(2)[-1]
    assert spouse.phone_masked == "139****5678" and spouse.sex and spouse.birth_date
    assert list(household.residents.get(name="钱一").tags.values_list("code", flat=True)) == ["living_alone"]
    other = Household.objects.get(building__grid=grid, building__number=2, unit=9, room="802")
    assert list(other.tags.values_list("code", flat=True)) == ["low_income"] and other.key_care
    assert id_for(2) not in body and "13912345678" not in body and "钱" not in body
    # One audit row for the whole import, placed on the grid.
    assert AuditEntry.objects.count() == audits + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.content_type == ContentType.objects.get_for_model(Grid) and entry.grid_id == grid.pk
    assert entry.changes["households"] == [None, 2] and entry.changes["residents"] == [None, 3]


def test_columns_are_found_by_header_in_either_language_and_any_order(login):
    from django.utils import translation

    with translation.override("en"):
        english = header_row()
    order = list(reversed(range(len(english))))
    row = person(1, "803", "Li", id_for(4))
    file = xlsx([[row[i] for i in order]], header=[english[i] for i in order])
    login("grid1").post(reverse("ledger-import"), {"grid": grid_of("grid1").pk, "file": file})
    assert latest_run().status == ImportRun.Status.SUCCEEDED, latest_run().errors


def test_one_bad_row_in_a_large_file_imports_nothing(login):
    grid = grid_of("grid1")
    rows = [person(1 + index % world.BUILDINGS_PER_GRID, f"{9000 + index}", f"居民{index}", id_for(index + 100)) for index in range(2000)]
    rows[1000][8] = rows[1000][8][:-1] + ("0" if rows[1000][8][-1] != "0" else "1")
    before = (Household.objects.count(), Resident.objects.count(), AuditEntry.objects.count())
    client = login("grid1")
    response = upload(client, grid, rows)
    run = latest_run()
    assert run.status == ImportRun.Status.FAILED and (run.households, run.residents) == (0, 0)
    assert run.errors == [[1002, "身份证号", "身份证号校验位不正确，请逐位核对。"]]
    assert (Household.objects.count(), Resident.objects.count(), AuditEntry.objects.count()) == before
    body = response.content.decode()
    assert "1002" in body and "身份证号校验位不正确" in body and rows[1000][8] not in body
    report = load_workbook(io.BytesIO(client.get(reverse("ledger-import-errors", args=[run.pk])).content)).active
    assert report["A1"].value.startswith(f"{grid.community.name} {grid.name} · 导入问题 · 数据截至 ")
    assert [cell.value for cell in report[3]] == [1002, "身份证号", "身份证号校验位不正确，请逐位核对。"]


def test_duplicates_in_the_file_and_in_the_database_are_reported(login, ledger, user):
    grid = grid_of("grid1")
    elsewhere = Resident.objects.filter(household__grid=grid_of("grid3")).exclude(id_number_enc="").first()
    rows = [
        person(1, "811", "甲", id_for(7)),
        person(1, "812", "乙", id_for(7)),
        person(1, "813", "丙", decrypt(ledger[0][1].id_number_enc)),
        person(1, "814", "丁", decrypt(elsewhere.id_number_enc)),
        person(ledger[1][0].building.number, ledger[1][0].room, "戊", id_for(8)),
    ]
    upload(login("grid1"), grid, rows)
    errors = latest_run().errors
    # A number registered outside the user's area is told for the whole file, never on its row.
    assert [(row, column) for row, column, _problem in errors] == [(None, ""), (3, "身份证号"), (4, "身份证号"), (6, "房号")]
    assert errors[0][2] == _("Some ID numbers in this file are already registered elsewhere in the district; contact the community where those people live.")
    assert errors[1][2] == _("The same ID number is already on row %(row)d.") % {"row": 2}
    assert errors[2][2] == _("This ID number is already registered in household %(household)s.") % {"household": ledger[0][0]}
    assert errors[3][2] == _("This room already has a household living in it.")
    assert Resident.objects.filter(name__in=["甲", "乙", "丙", "丁", "戊"]).count() == 0


def test_rows_of_one_household_must_agree(login):
    rows = [person(1, "821", "甲"), person(1, "821", "乙", relation="户主"), person(1, "821", "丙", relation="子女", floor=3)]
    for row in rows:
        row[9] = "男"
    rows.append(person(1, "822", "丁"))  # neither ID number nor sex
    rows.append(person(7777, "823", "戊", id_for(9)))  # no such building in the grid
    upload(login("grid1"), grid_of("grid1"), rows)
    assert [(row, column) for row, column, _problem in latest_run().errors] == [(3, "与户主关系"), (4, "楼层"), (5, "性别"), (6, "楼栋编号")]


def test_import_outside_scope_answers_404_and_writes_nothing(login, user):
    runs = ImportRun.objects.count()
    file = xlsx([person(1, "801", "x", id_for(10))])
    assert login("grid1").post(reverse("ledger-import"), {"grid": grid_of("grid2").pk, "file": file}).status_code == 404
    file.seek(0)
    assert login("grid1").post(reverse("ledger-import"), {"grid": Grid.objects.get(name="外区第1网格").pk, "file": file}).status_code == 404
    assert ImportRun.objects.count() == runs
    with pytest.raises(PermissionDenied):
        ledger_import(actor=user("grid1"), grid=grid_of("grid2"), rows=[(2, person(1, "801", "x", id_for(10)))])
    run = ImportRun.objects.create(user=user("grid1"), grid=grid_of("grid1"), file_name="x.xlsx", status=ImportRun.Status.FAILED)
    assert login("community2").get(reverse("ledger-import-result", args=[run.pk])).status_code == 404
    assert login("community2").get(reverse("ledger-import-errors", args=[run.pk])).status_code == 404
    assert login("community1").get(reverse("ledger-import-result", args=[run.pk])).status_code == 200


def test_import_into_one_building_refuses_rows_of_another(login):
    rows = [person(1, "831", "甲", id_for(11)), person(2, "832", "乙", id_for(12))]
    upload(login("grid1"), grid_of("grid1"), rows, building=1)
    run = latest_run()
    assert run.building.number == 1 and [(row, column) for row, column, _problem in run.errors] == [(3, "楼栋编号")]


def test_a_file_that_is_not_excel_is_refused_clearly(login, monkeypatch):
    client = login("grid1")
    grid = grid_of("grid1")
    fake = SimpleUploadedFile("households.xlsx", b"name,id\n", content_type=XLSX)
    response = client.post(reverse("ledger-import"), {"grid": grid.pk, "file": fake})
    assert "不是 Excel .xlsx 文件" in str(response.context["form"].errors)
    run = latest_run()
    assert run.status == ImportRun.Status.FAILED and run.errors[0][0] is None and "不是 Excel" in run.errors[0][2]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    response = client.post(reverse("ledger-import"), {"grid": grid.pk, "file": SimpleUploadedFile("a.xlsx", other_zip.getvalue())})
    assert response.context["form"].errors["file"]
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    response = client.post(reverse("ledger-import"), {"grid": grid.pk, "file": xlsx([person(1, f"84{i}", "x", id_for(20 + i)) for i in range(4)])})
    assert "3" in str(response.context["form"].errors["file"])
    monkeypatch.setattr(excel, "MAX_BYTES", 100)
    response = client.post(reverse("ledger-import"), {"grid": grid.pk, "file": xlsx([person(1, "850", "x", id_for(30))])})
    assert "5 MB" in str(response.context["form"].errors["file"])
    assert not Resident.objects.filter(household__room__startswith="8", household__unit=9).exists()


def test_export_is_masked_and_logged(login, ledger):
    grid = grid_of("grid1")
    response = login("grid1").get(reverse("ledger-export") + f"?grid={grid.pk}")
    assert response["Content-Disposition"].startswith("attachment")
    rows = exported(response)
    residents = Resident.objects.filter(household__grid=grid, household__status="active", moved_out_on__isnull=True)
    assert len(rows) == residents.count()
    values = {str(value) for row in rows for value in row}
    plain = {decrypt(r.id_number_enc) for r in residents} | {decrypt(r.phone_enc) for r in residents} - {""}
    assert not plain & values
    mine = next(row for row in rows if row[8] == "测试0")
    assert mine[ID_COLUMN] == ledger[0][1].id_number_masked and mine[PHONE_COLUMN] == "138****0000" and mine[5] == "139****0000"
    assert mine[11] == ledger[0][1].age  # a masked file gives the age, never the birth date that would complete the ID number
    log = PersonalDataLog.objects.get(kind="export")
    assert (log.rows, log.unmasked, log.user.username, log.grid_id) == (len(rows), False, "grid1", grid.pk)


def test_export_follows_the_list_filters(login, ledger):
    building = ledger[0][0].building
    rows = exported(login("grid1").get(reverse("ledger-export") + f"?building={building.pk}&q=测试"))
    assert sorted(row[8] for row in rows) == ["测试0", "测试1"]
    rows = exported(login("grid1").get(reverse("ledger-export") + "?q=9-900"))
    assert [row[8] for row in rows] == ["测试0"]


def test_full_export_needs_a_reason_and_the_right(login, ledger):
    grid = grid_of("grid1")
    url = reverse("ledger-export") + f"?grid={grid.pk}"
    refused = login("community1").post(url, {"purpose": "other", "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors and not PersonalDataLog.objects.exists()
    assert login("street1").post(url, {"purpose": "other", "reason": "核对低保名单"}).status_code == 403
    assert not PersonalDataLog.objects.exists()
    response = login("community1").post(url, {"purpose": "other", "reason": "核对低保名单"})
    rows = exported(response)
    assert decrypt(ledger[0][1].id_number_enc) in {row[ID_COLUMN] for row in rows}
    assert "13800000000" in {row[PHONE_COLUMN] for row in rows}
    plain_ids = {decrypt(r.id_number_enc) for r in Resident.objects.filter(household__grid=grid, moved_out_on__isnull=True)} - {""}
    assert plain_ids <= {row[ID_COLUMN] for row in rows}
    log = PersonalDataLog.objects.get(kind="export")
    assert log.unmasked and log.reason == "核对低保名单" and log.user.username == "community1"


def test_export_names_its_area_and_time_and_gives_birth_dates_as_dates(login, ledger):
    grid = grid_of("grid1")
    response = login("community1").post(reverse("ledger-export") + f"?grid={grid.pk}", {"purpose": "other", "reason": "核对低保名单"})
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value.startswith(f"幸福社区 {grid.name} · 户情台账 · 数据截至 {timezone.localdate():%Y-%m-%d} ")
    assert sheet["B2"].value == "楼栋编号" and sheet["B2"].font.bold and sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["J"].width >= 18  # the full ID numbers
    mine = next(row for row in sheet.iter_rows(min_row=3) if row[8].value == "测试0")
    assert mine[11].is_date and mine[11].value.date() == ledger[0][1].birth_date and mine[11].number_format == "yyyy-mm-dd"
    # The file reads back: its title row is skipped and its columns are found by their headers.
    rows = excel.read_rows(SimpleUploadedFile("export.xlsx", content))
    assert rows[0][0] == 3 and {cells[excel.POSITION["name"]] for _number, cells in rows} >= {"测试0", "测试1"}


def test_an_export_over_several_communities_is_titled_by_their_street(login):
    sheet = load_workbook(io.BytesIO(b"".join(login("street1").get(reverse("ledger-export")).streaming_content))).active
    assert sheet["A1"].value.startswith("建设北街街道 · 户情台账 · 数据截至 ")


def test_export_refuses_filters_and_people_it_should(login):
    assert login("volunteer1").get(reverse("ledger-export")).status_code == 403
    # street1 may not see sensitive tags, so may not list who carries one either.
    response = login("street1").get(reverse("ledger-export") + "?tag=low_income")
    assert response.status_code == 302 and not PersonalDataLog.objects.exists()
    page = login("street1").get(reverse("ledger-export-full"))
    assert page.status_code == 200 and not page.context["can_reveal"]


def test_export_query_count_does_not_grow_with_rows(login, ledger, user):
    client = login("community1")
    url = reverse("ledger-export") + f"?building={ledger[0][0].building_id}"

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            rows = exported(client.get(url))
        return len(ctx), len(rows)

    small, small_rows = count()
    actor = user("grid1")
    tag = CareTag.objects.get(code="living_alone")
    for index in range(6):
        household = services.household_create(actor=actor, building=ledger[0][0].building, unit=9, floor=2, room=f"95{index}", tags=[tag])
        for member in range(2):
            services.resident_create(
                actor=actor, household=household, name=f"增{index}{member}", sex="F", relation="head" if member == 0 else "child", tags=[tag]
            )
    large, large_rows = count()
    assert large_rows == small_rows + 12
    assert small == large
