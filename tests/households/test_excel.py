"""Excel template, all-or-nothing import with a row-by-row report, and masked, logged exports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from governance.models import PersonalDataLog, User
from governance.personal_data import decrypt
from households.excel import header_row
from households.idcard import check_char
from households.models import Household, ImportRun, Resident

pytestmark = pytest.mark.django_db


def grid_of(username):
    return User.objects.get(username=username).memberships.get().grid


def id_for(index: int) -> str:
    body = f"130105{1950 + index % 50}{(index % 12) + 1:02d}{(index % 28) + 1:02d}{(index // 600) % 1000:03d}"
    return body + check_char(body)


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header_row())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("households.xlsx", buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def person(building_number, room, name, number="", relation="户主", phone=""):
    return [building_number, 8, 8, room, "13700000001", "自有", relation, name, number, "", "", phone, "", "", "否", "", "", ""]


def upload(client, grid, rows):
    return client.post(reverse("ledger-import"), {"grid": grid.pk, "file": workbook(rows)}, follow=True)


def test_template_downloads_and_imports_back(login):
    client = login("grid1")
    response = client.get(reverse("ledger-template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in book.active[1]] == header_row()
    sample = [cell.value for cell in book.active[2]]
    sample[3] = "808"
    response = upload(client, grid_of("grid1"), [sample])
    assert ImportRun.objects.latest("created_at").status == ImportRun.Status.SUCCEEDED, response.context.get("errors")


def test_a_valid_file_imports_households_with_encrypted_ids(login):
    grid = grid_of("grid1")
    rows = [person(1, "801", "钱一", id_for(1)), person(1, "801", "钱二", id_for(2), relation="配偶", phone="13912345678"), person(2, "802", "孙三", id_for(3))]
    response = upload(login("grid1"), grid, rows)
    body = response.content.decode()
    run = ImportRun.objects.latest("created_at")
    assert (run.status, run.households, run.residents) == (ImportRun.Status.SUCCEEDED, 2, 3)
    household = Household.objects.get(building__grid=grid, building__number=1, room="801")
    assert household.head.name == "钱一"
    spouse = household.residents.get(name="钱二")
    assert decrypt(spouse.id_number_enc) == id_for(2) and spouse.phone_masked == "139****5678"
    assert id_for(2) not in body and "13912345678" not in body


def test_one_bad_row_in_a_large_file_imports_nothing(login):
    grid = grid_of("grid1")
    rows = [person(1 + index % 5, f"{9000 + index}", f"居民{index}", id_for(index + 100)) for index in range(2000)]
    rows[1000][8] = rows[1000][8][:-1] + ("0" if rows[1000][8][-1] != "0" else "1")
    before = (Household.objects.count(), Resident.objects.count())
    response = upload(login("grid1"), grid, rows)
    run = ImportRun.objects.latest("created_at")
    assert run.status == ImportRun.Status.FAILED
    assert run.errors == [[1002, "身份证号", "身份证号校验位不正确，请逐位核对。"]]
    assert (Household.objects.count(), Resident.objects.count()) == before
    assert "1002" in response.content.decode()
    report = load_workbook(io.BytesIO(login("grid1").get(reverse("ledger-import-errors", args=[run.pk])).content)).active
    assert [cell.value for cell in report[2]] == [1002, "身份证号", "身份证号校验位不正确，请逐位核对。"]


def test_duplicates_in_the_file_and_in_the_database_are_reported(login):
    grid = grid_of("grid1")
    existing = Resident.objects.filter(household__grid=grid).exclude(id_number_enc="").first()
    rows = [person(1, "811", "甲", id_for(7)), person(1, "812", "乙", id_for(7)), person(1, "813", "丙", decrypt(existing.id_number_enc))]
    upload(login("grid1"), grid, rows)
    errors = ImportRun.objects.latest("created_at").errors
    assert [row for row, _column, _problem in errors] == [3, 4]
    assert "第 2 行" in errors[0][2] and "已在本区登记" in errors[1][2]


def test_import_outside_scope_is_refused(login):
    response = login("grid1").post(reverse("ledger-import"), {"grid": grid_of("grid2").pk, "file": workbook([person(1, "801", "x")])})
    assert response.status_code == 200
    assert "grid" in response.context["form"].errors
    assert (
        login("community2")
        .get(
            reverse(
                "ledger-import-result",
                args=[ImportRun.objects.create(user=User.objects.get(username="grid1"), grid=grid_of("grid1"), file_name="x", status="failed").pk],
            )
        )
        .status_code
        == 404
    )


def test_a_file_that_is_not_excel_is_refused_clearly(login):
    fake = SimpleUploadedFile("households.xlsx", b"name,id\n", content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = login("grid1").post(reverse("ledger-import"), {"grid": grid_of("grid1").pk, "file": fake})
    assert "不是 Excel .xlsx 文件" in str(response.context["form"].errors)


def exported(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]


def test_export_is_masked_and_logged(login):
    grid = grid_of("grid1")
    response = login("grid1").get(reverse("ledger-export") + f"?grid={grid.pk}")
    rows = exported(response)
    residents = Resident.objects.filter(household__grid=grid, household__status="active", moved_out_on__isnull=True)
    assert len(rows) == residents.count()
    plain_ids = {decrypt(r.id_number_enc) for r in residents}
    assert not plain_ids & {row[9] for row in rows}
    log = PersonalDataLog.objects.get(kind="export")
    assert (log.rows, log.unmasked, log.user.username) == (len(rows), False, "grid1")


def test_full_export_needs_a_reason_and_the_right(login):
    grid = grid_of("grid1")
    url = reverse("ledger-export") + f"?grid={grid.pk}"
    refused = login("community1").post(url, {"reason": ""})
    assert refused.status_code == 200 and not PersonalDataLog.objects.exists()
    assert login("street1").post(url, {"reason": "核对低保名单"}).status_code == 403
    response = login("community1").post(url, {"reason": "核对低保名单"})
    plain_ids = {decrypt(r.id_number_enc) for r in Resident.objects.filter(household__grid=grid, moved_out_on__isnull=True)} - {""}
    assert plain_ids <= {row[9] for row in exported(response)}
    log = PersonalDataLog.objects.get(kind="export")
    assert log.unmasked and log.reason == "核对低保名单"


def test_export_query_count_does_not_grow_with_rows(login):
    client = login("community1")

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    small = count(reverse("ledger-export") + f"?grid={grid_of('grid1').pk}")
    large = count(reverse("ledger-export"))
    assert small == large
