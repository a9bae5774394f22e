"""The ledger's Excel template, the parsing and validation of an uploaded file, and the export.

Columns are read by position, so a district may relabel the header row; the template says what each holds.
"""

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from governance.personal_data import decrypt, keyed_hash
from governance.validators import normalize_mobile
from households.idcard import parse_id_number
from households.models import CareTag, Household, Resident

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000

COLUMNS = [
    ("building", gettext_lazy("Building number"), True),
    ("unit", gettext_lazy("Unit"), True),
    ("floor", gettext_lazy("Floor"), True),
    ("room", gettext_lazy("Room"), True),
    ("household_phone", gettext_lazy("Household phone"), False),
    ("tenure", gettext_lazy("Tenure (owner/tenant/other)"), False),
    ("relation", gettext_lazy("Relation to head"), True),
    ("name", gettext_lazy("Name"), True),
    ("id_number", gettext_lazy("ID number"), False),
    ("sex", gettext_lazy("Sex"), False),
    ("birth_date", gettext_lazy("Birth date (YYYY-MM-DD)"), False),
    ("phone", gettext_lazy("Mobile number"), False),
    ("employment", gettext_lazy("Employment"), False),
    ("work_unit", gettext_lazy("Work unit"), False),
    ("is_party_member", gettext_lazy("Party member (yes/no)"), False),
    ("party_branch", gettext_lazy("Party branch"), False),
    ("special_situation", gettext_lazy("Special situation"), False),
    ("tags", gettext_lazy("Tags (separated by 、)"), False),
]
LABELS = {key: label for key, label, _required in COLUMNS}
INDEX = {key: position for position, (key, _label, _required) in enumerate(COLUMNS)}
YES = {"是", "yes", "y", "1", "true", "党员"}
NO = {"否", "no", "n", "0", "false", ""}


def _choice_map(choices) -> dict[str, str]:
    """Accept the code, the label in either language, and the short Chinese label before any bracket."""
    mapping = {}
    for value, label in choices:
        for text in {str(value), str(label), re.split(r"[（(]", str(label))[0].strip()}:
            mapping[text.strip().lower()] = value
    return mapping


def header_row() -> list[str]:
    return [str(label) for _key, label, _required in COLUMNS]


def template_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Households")
    sheet.append(header_row())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4E4")
    sheet.append(
        [
            1,
            1,
            3,
            "301",
            "13800000000",
            str(Household.Tenure.OWNER.label),
            str(Resident.Relation.HEAD.label),
            "张三",
            "",
            "",
            "",
            "",
            "",
            "",
            _("no"),
            "",
            "",
            "",
        ]
    )
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    guide = book.create_sheet(_("Instructions"))
    for line in [
        _("One row per person; rows with the same building number, unit and room form one household."),
        _("The first row of a household, or its head, gives the household's phone and tenure."),
        _("Required columns are marked in the header with a pink background; all rows are checked before anything is saved."),
        _("Allowed tags: %(tags)s") % {"tags": "、".join(CareTag.objects.filter(active=True, sensitive=False).values_list("name", flat=True))},
    ]:
        guide.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class ParsedFile:
    rows: list[dict] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def error(self, row: int, key: str | None, problem: str) -> None:
        column = str(LABELS.get(key, "")) if key else ""
        self.errors.append((row, column, str(problem)))


def read_rows(uploaded) -> list[tuple[int, list]]:
    """The data rows of an uploaded .xlsx (checked by content, not by name) with their sheet row numbers."""
    if uploaded.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; split it by building."))
    head = uploaded.read(4)
    uploaded.seek(0)
    if head != b"PK\x03\x04" or not zipfile.is_zipfile(uploaded):
        raise ValidationError(_("This is not an Excel .xlsx file; download the template and fill it in."))
    uploaded.seek(0)
    try:
        book = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(_("This Excel file cannot be read; save it again as .xlsx and retry.")) from exc
    sheet = book.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(values[: len(COLUMNS)]) + [None] * max(0, len(COLUMNS) - len(values))
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)d rows; split it by building.") % {"max": MAX_ROWS})
    book.close()
    if not rows:
        raise ValidationError(_("The file has no data rows."))
    return rows


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def validate_rows(rows, *, buildings: dict[int, object], sensitive_ok: bool) -> ParsedFile:
    """Check every row; the result holds cleaned rows, or the list of (row, column, problem)."""
    parsed = ParsedFile()
    tenures = _choice_map(Household.Tenure.choices)
    relations = _choice_map(Resident.Relation.choices)
    employments = _choice_map(Resident.Employment.choices)
    sexes = {**_choice_map(Resident.Sex.choices), "男": "M", "女": "F"}
    tags = {}
    for tag in CareTag.objects.filter(active=True):
        tags[tag.name] = tag
        tags[tag.code] = tag
    seen_ids: dict[str, int] = {}
    for number, cells in rows:
        value = {key: _text(cells[INDEX[key]]) for key in INDEX}
        row = {"row": number}
        for key, _label, required in COLUMNS:
            if required and not value[key]:
                parsed.error(number, key, _("This column is required."))
        try:
            row["building"] = buildings[int(value["building"])]
        except (KeyError, ValueError):
            if value["building"]:
                parsed.error(number, "building", _("No building with this number in the chosen grid or building."))
        for key in ("unit", "floor"):
            try:
                row[key] = int(value[key])
            except ValueError:
                if value[key]:
                    parsed.error(number, key, _("Enter a whole number."))
        row["room"] = value["room"][:10]
        for key, mapping in (("tenure", tenures), ("relation", relations), ("employment", employments), ("sex", sexes)):
            if value[key]:
                if value[key].lower() not in mapping:
                    parsed.error(number, key, _("“%(value)s” is not one of the allowed values.") % {"value": value[key]})
                else:
                    row[key] = mapping[value[key].lower()]
        for key in ("household_phone", "phone"):
            if value[key]:
                try:
                    row[key] = normalize_mobile(value[key])
                except ValidationError as exc:
                    parsed.error(number, key, exc.messages[0])
        if value["birth_date"]:
            try:
                row["birth_date"] = dt.date.fromisoformat(value["birth_date"][:10])
            except ValueError:
                parsed.error(number, "birth_date", _("Write the date as YYYY-MM-DD."))
        if value["id_number"]:
            try:
                info = parse_id_number(value["id_number"])
            except ValidationError as exc:
                parsed.error(number, "id_number", exc.messages[0])
            else:
                if info.number in seen_ids:
                    parsed.error(number, "id_number", _("The same ID number is already on row %(row)d.") % {"row": seen_ids[info.number]})
                seen_ids[info.number] = number
                if row.get("birth_date") and row["birth_date"] != info.birth_date:
                    parsed.error(number, "birth_date", _("The birth date does not match the ID number."))
                if row.get("sex") and row["sex"] != info.sex:
                    parsed.error(number, "sex", _("The sex does not match the ID number."))
                row.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex, id_legacy=info.legacy, id_hash=keyed_hash(info.number))
        if value["is_party_member"].lower() not in YES | NO:
            parsed.error(number, "is_party_member", _("Write yes or no."))
        row["is_party_member"] = value["is_party_member"].lower() in YES
        row.update(
            name=value["name"][:50], work_unit=value["work_unit"][:100], party_branch=value["party_branch"][:100], special_situation=value["special_situation"]
        )
        row["tags"] = []
        for name in filter(None, (part.strip() for part in re.split(r"[、,，;；]", value["tags"]))):
            tag = tags.get(name)
            if tag is None:
                parsed.error(number, "tags", _("Unknown tag “%(tag)s”.") % {"tag": name})
            elif tag.sensitive and not sensitive_ok:
                parsed.error(number, "tags", _("Your role does not allow setting sensitive tags."))
            else:
                row["tags"].append(tag)
        parsed.rows.append(row)
    return parsed


def check_against_database(parsed: ParsedFile) -> None:
    """Rooms already lived in and ID numbers already registered refuse the file too."""
    hashes = {row["id_hash"]: row["row"] for row in parsed.rows if row.get("id_hash")}
    known = set()
    keys = list(hashes)
    for start in range(0, len(keys), 500):
        known |= set(Resident.objects.filter(id_number_hash__in=keys[start : start + 500], moved_out_on__isnull=True).values_list("id_number_hash", flat=True))
    for digest in sorted(known, key=hashes.get):
        parsed.error(hashes[digest], "id_number", _("This ID number is already registered in the district."))
    rooms = {(row["building"].pk, row.get("unit"), row["room"]): row["row"] for row in parsed.rows if row.get("building") and row.get("unit") is not None}
    building_ids = {key[0] for key in rooms}
    occupied = set(Household.objects.filter(building_id__in=building_ids, status=Household.Status.ACTIVE).values_list("building_id", "unit", "room"))
    for key in sorted(occupied & set(rooms), key=rooms.get):
        parsed.error(rooms[key], "room", _("This room already has a household living in it."))
    parsed.errors.sort()


def errors_workbook(errors) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Errors"))
    sheet.append([_("Row"), _("Column"), _("Problem")])
    for row, column, problem in errors:
        sheet.append([row, column, problem])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_workbook(households, *, unmasked: bool, sensitive_scope) -> tuple[bytes, int]:
    """One row per resident (or per empty household); masked unless `unmasked`, sensitive tags only where allowed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Households"))
    sheet.append([_("Grid"), *header_row()])
    count = 0
    for household in households:
        phone = decrypt(household.phone_enc) if unmasked else household.phone_masked
        members = list(household.residents.all()) or [None]
        sensitive_ok = sensitive_scope.contains(household.ancestry())
        household_tags = [tag.name for tag in household.tags.all() if sensitive_ok or not tag.sensitive]
        for resident in members:
            count += 1
            common = [household.grid.name, household.building.number, household.unit, household.floor, household.room, phone, household.get_tenure_display()]
            if resident is None:
                sheet.append([*common, "", "", "", "", "", "", "", "", "", "", "", "、".join(household_tags)])
                continue
            sheet.append(
                [
                    *common,
                    resident.get_relation_display(),
                    resident.name,
                    decrypt(resident.id_number_enc) if unmasked else resident.id_number_masked,
                    resident.get_sex_display(),
                    resident.birth_date.isoformat() if resident.birth_date else "",
                    decrypt(resident.phone_enc) if unmasked else resident.phone_masked,
                    resident.get_employment_display(),
                    resident.work_unit,
                    _("yes") if resident.is_party_member else _("no"),
                    resident.party_branch,
                    resident.special_situation,
                    "、".join([*household_tags, *(tag.name for tag in resident.tags.all() if sensitive_ok or not tag.sensitive)]),
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), count
