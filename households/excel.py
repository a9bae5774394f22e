"""The ledger's Excel template, the reading and checking of an uploaded file, and the export.

One row per resident; rows sharing building number, unit and room form one household. Columns are found
by their header text in either language, or by position when a district relabelled the header row.
"""

import datetime as dt
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Min, Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import xlsx
from core.idcard import parse_id_number
from core.personal_data import decrypt, keyed_hash
from governance.roles import Capability, Level
from governance.scope import scope_for
from governance.selectors import NODE_MODELS, NODE_RELATED
from governance.validators import normalize_mobile
from households.models import CareTag, Household, Resident

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
# A 5 MB zip may inflate to gigabytes of XML; a real 20,000-row ledger stays far below these (about 25 MB of sheet XML).
MAX_UNZIPPED_BYTES = 150 * 1024 * 1024
MAX_PART_BYTES = 50 * 1024 * 1024
# Past this many problems the file is plainly wrong; the report stays readable and the row small.
MAX_ERRORS = 5000
EXPORT_CHUNK = 2000
LANGUAGES = ("zh-hans", "en")
TAG_SEPARATORS = re.compile(r"[、,，;；]")
YES = {"是", "yes", "y", "1", "true", "√", "党员"}
NO = {"否", "no", "n", "0", "false", "×", "群众", ""}
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4E4")
# Template columns whose values run longer than their header: 18-digit ID numbers, lists of tags, names of units.
WIDE_COLUMNS = ("id_number", "tags", "special_situation", "work_unit", "party_branch")


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    required: bool = False
    max_length: int | None = None
    # Typed as text in the template, so that Excel keeps 18-digit numbers and leading zeros.
    text: bool = False
    household: bool = False


COLUMNS = [
    Column("building", gettext_lazy("Building number"), required=True, household=True),
    Column("unit", gettext_lazy("Unit"), required=True, household=True),
    Column("floor", gettext_lazy("Floor"), required=True, household=True),
    Column("room", gettext_lazy("Room"), required=True, max_length=10, text=True, household=True),
    Column("household_phone", gettext_lazy("Household phone"), text=True, household=True),
    Column("tenure", gettext_lazy("Tenure (owner/tenant/other)"), household=True),
    Column("relation", gettext_lazy("Relation to head"), required=True),
    Column("name", gettext_lazy("Name"), required=True, max_length=50),
    Column("id_number", gettext_lazy("ID number"), text=True),
    Column("sex", gettext_lazy("Sex")),
    Column("birth_date", gettext_lazy("Birth date (YYYY-MM-DD)"), text=True),
    Column("phone", gettext_lazy("Mobile number"), text=True),
    Column("employment", gettext_lazy("Employment")),
    Column("work_unit", gettext_lazy("Work unit"), max_length=100),
    Column("is_party_member", gettext_lazy("Party member (yes/no)")),
    Column("party_branch", gettext_lazy("Party branch"), max_length=100),
    Column("special_situation", gettext_lazy("Special situation")),
    Column("tags", gettext_lazy("Tags (separated by 、)")),
]
KEYS = [column.key for column in COLUMNS]
BY_KEY = {column.key: column for column in COLUMNS}
POSITION = {key: position for position, key in enumerate(KEYS)}
# Household columns that must agree on every row of one household.
HOUSEHOLD_CONSISTENT = ("floor", "household_phone", "tenure")


def _choices() -> dict[str, list]:
    return {
        "tenure": Household.Tenure.choices,
        "relation": Resident.Relation.choices,
        "sex": Resident.Sex.choices,
        "employment": Resident.Employment.choices,
    }


def _short(label: str) -> str:
    """The label before any bracket: “Minimum living allowance (低保)” → “Minimum living allowance”."""
    return re.split(r"[（(]", label)[0].strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").lower()


def _in_every_language(build) -> dict:
    """Merge what `build()` returns under each language, so a file filled in either language reads the same."""
    merged: dict = {}
    for language in LANGUAGES:
        with translation.override(language):
            merged.update(build())
    return merged


def _choice_maps() -> dict[str, dict[str, str]]:
    """For each choice column: accepted text (code, label, short label, in either language) → stored value."""
    maps: dict[str, dict[str, str]] = {key: {} for key in _choices()}
    for key, choices in _choices().items():
        maps[key] = _in_every_language(
            lambda choices=choices: {_norm(text): value for value, label in choices for text in (str(value), str(label), _short(str(label)))}
        )
    return maps


def header_row() -> list[str]:
    return [str(column.label) for column in COLUMNS]


def _header_names() -> dict[str, str]:
    return _in_every_language(lambda: {_norm(text): column.key for column in COLUMNS for text in (str(column.label), _short(str(column.label)))})


def column_positions(header) -> dict[str, int]:
    """Where each known column is in the uploaded sheet (key → 0-based position)."""
    names = _header_names()
    found: dict[str, int] = {}
    for position, cell in enumerate(header or ()):
        key = names.get(_norm(_text(cell)))
        if key and key not in found:
            found[key] = position
    if len(found) < len(COLUMNS) // 2:
        # Most headers unknown: a relabelled template, read in the template's order.
        return dict(POSITION)
    missing = [str(column.label) for column in COLUMNS if column.required and column.key not in found]
    if missing:
        raise ValidationError(_("The file has no column %(columns)s; start from the template.") % {"columns": "、".join(missing)})
    return found


def template_workbook() -> bytes:
    """The empty template: headers (required ones highlighted), drop-down lists, text-typed number columns, and instructions."""
    book = Workbook()
    book.remove(book.active)
    sheet = xlsx.sheet_write(book, title=_("Household ledger"), unit=_("Import template"), header=header_row(), rows=[])
    first_row, last_row = xlsx.HEADER_ROW + 1, xlsx.HEADER_ROW + MAX_ROWS
    for position, column in enumerate(COLUMNS, start=1):
        if column.required:
            sheet.cell(row=xlsx.HEADER_ROW, column=position).fill = REQUIRED_FILL
        letter = get_column_letter(position)
        if column.key in WIDE_COLUMNS:
            sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width, 22)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
    lists = {key: [_short(str(label)) for _value, label in choices] for key, choices in _choices().items()}
    lists["is_party_member"] = [_("yes"), _("no")]
    for key, values in lists.items():
        # A warning, not a stop: the import also accepts codes and the other language.
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True, errorStyle="warning")
        letter = get_column_letter(POSITION[key] + 1)
        validation.add(f"{letter}{first_row}:{letter}{last_row}")
        sheet.add_data_validation(validation)

    guide = book.create_sheet(_("Instructions"))
    guide.column_dimensions["A"].width = 110
    tags = CareTag.objects.filter(active=True).order_by("sort_order")
    for line in [
        _("Row 1 is the title and row 2 the header: fill in from row 3."),
        _("One row per person; rows with the same building number, unit and room form one household."),
        _("Columns with a pink header are required. Every row is checked before anything is saved: one problem and nothing is imported."),
        _("The building number is the building's number in the grid. A household's floor, phone and tenure must be the same on all its rows."),
        _("Give the ID number or, without one, the sex; birth date and sex are read from the ID number."),
        _("Keep ID numbers and phone numbers as text: a number typed into a number cell loses its last digits."),
        _("Allowed tags: %(tags)s") % {"tags": "、".join(tag.name for tag in tags if not tag.sensitive)},
        _("Tags only those allowed to see sensitive data may set: %(tags)s") % {"tags": "、".join(tag.name for tag in tags if tag.sensitive)},
        "",
        _("Example:"),
    ]:
        xlsx.append(guide, [line])
    xlsx.append(guide, header_row())
    head, spouse = Resident.Relation.HEAD.label, Resident.Relation.SPOUSE.label
    xlsx.append(
        guide, [1, 1, 3, "301", "13800000000", _short(str(Household.Tenure.OWNER.label)), str(head), "张三", "", str(Resident.Sex.MALE.label), "1960-05-01"]
    )
    xlsx.append(guide, [1, 1, 3, "301", "13800000000", "", str(spouse), "李四", "", str(Resident.Sex.FEMALE.label), "1962-08-15", "", "", "", _("yes")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def read_rows(uploaded) -> list[tuple[int, list]]:
    """The non-empty data rows of an uploaded .xlsx (checked by content, not by name), with their sheet row numbers.

    Cells come back in the template's column order whatever the file's order; a missing optional column reads as empty.
    """
    if uploaded.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB; split it by building."))
    not_excel = _("This is not an Excel .xlsx file; download the template and fill it in.")
    uploaded.seek(0)
    if uploaded.read(4) != b"PK\x03\x04":
        raise ValidationError(not_excel)
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            # zipfile never inflates a part beyond its declared size (a lying header gives a truncated, unreadable part),
            # so the declared sizes bound the work done below.
            sizes = [info.file_size for info in archive.infolist()]
    except zipfile.BadZipFile as exc:
        raise ValidationError(not_excel) from exc
    if sum(sizes) > MAX_UNZIPPED_BYTES or max(sizes, default=0) > MAX_PART_BYTES:
        raise ValidationError(_("The file is too large once unpacked; split it by building."))
    uploaded.seek(0)
    try:
        book = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(_("This Excel file cannot be read; save it again as .xlsx and retry.")) from exc
    try:
        return _sheet_rows(book.worksheets[0])
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(_("This Excel file cannot be read; save it again as .xlsx and retry.")) from exc
    finally:
        book.close()


def _sheet_rows(sheet) -> list[tuple[int, list]]:
    top = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    # A first row of one cell is the title row of the template and the exports (older templates have none); the header is below it.
    header_at = 2 if top and sum(_text(cell) != "" for cell in top[0]) == 1 else 1
    positions = column_positions(top[header_at - 1] if len(top) >= header_at else None)
    order = [positions.get(key) for key in KEYS]
    width = max(position for position in order if position is not None) + 1
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=header_at + 1, max_col=width, values_only=True), start=header_at + 1):
        # Empty rows count too: a sheet of a million empty rows is refused after MAX_ROWS, not read to its end.
        if number - header_at > MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)d rows; split it by building.") % {"max": MAX_ROWS})
        cells = [values[position] if position is not None and position < len(values) else None for position in order]
        if any(_text(cell) != "" for cell in cells):
            rows.append((number, cells))
    if not rows:
        raise ValidationError(_("The file has no data rows."))
    return rows


@dataclass
class Checked:
    """Cleaned rows, or the problems found: (sheet row, column header, problem) in the user's language."""

    rows: list[dict] = field(default_factory=list)
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)

    def error(self, row: int, key: str | None, problem) -> None:
        """A problem of one row (a row of 0 is a problem of the whole file)."""
        position = POSITION.get(key, -1)
        self.problems.append((row, position, str(BY_KEY[key].label) if key else "", str(problem)))

    @property
    def errors(self) -> list[list]:
        """Sorted by row then by column, the file's own problems first; capped so that a wholly wrong file still gives a usable report."""
        ordered = sorted(self.problems, key=lambda problem: (problem[0], problem[1]))
        listed = [[row or None, label, problem] for row, _position, label, problem in ordered[:MAX_ERRORS]]
        if len(ordered) > MAX_ERRORS:
            more = len(ordered) - MAX_ERRORS
            listed.append([None, "", _("%(count)d more problems are not listed; correct these first.") % {"count": more}])
        return listed


def _building_number(text: str) -> int | None:
    """“3”, “3号楼”, “3栋”, “3幢” all mean building 3 of the grid."""
    match = re.fullmatch(r"([0-9]{1,5})\s*(号楼|号|栋|幢|楼)?", text)
    return int(match.group(1)) if match else None


def _date(text: str) -> dt.date | None:
    day = text.strip().split(" ")[0]
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(day, pattern).date()
        except ValueError:
            continue
    return None


def _integer(text: str) -> int | None:
    return int(text) if re.fullmatch(r"-?[0-9]{1,4}", text) else None


def validate_rows(rows, *, buildings: dict[int, object], only_building=None, sensitive_ok: bool) -> Checked:
    """Check every row and every household; `buildings` maps number → building for those the user may import into."""
    checked = Checked()
    maps = _choice_maps()
    yes = YES | set(_in_every_language(lambda: {_("yes").lower(): True}))
    no = NO | set(_in_every_language(lambda: {_("no").lower(): True}))
    tags = {}
    for tag in CareTag.objects.filter(active=True):
        tags[_norm(tag.name)] = tag
        tags[_norm(tag.code)] = tag
    seen_ids: dict[str, int] = {}
    today = timezone.localdate()
    for number, cells in rows:
        raw = {key: cells[POSITION[key]] for key in KEYS}
        value = {key: _text(cell) for key, cell in raw.items()}
        row: dict = {"row": number, "tags": []}
        for column in COLUMNS:
            if column.required and not value[column.key]:
                checked.error(number, column.key, _("This column is required."))
            elif column.max_length and len(value[column.key]) > column.max_length:
                checked.error(number, column.key, _("At most %(max)d characters.") % {"max": column.max_length})
            elif column.key in ("room", "name", "work_unit", "party_branch", "special_situation"):
                row[column.key] = value[column.key]

        if value["building"]:
            building_number = _building_number(value["building"])
            if only_building is not None and building_number is not None and building_number != only_building.number:
                checked.error(number, "building", _("This import is for building %(number)d only.") % {"number": only_building.number})
            elif building_number not in buildings:
                checked.error(number, "building", _("No building with this number in the chosen grid, or not one you may edit."))
            else:
                row["building"] = buildings[building_number]
        if value["unit"]:
            unit = _integer(value["unit"])
            if unit is None or unit < 1:
                checked.error(number, "unit", _("Enter a whole number from 1."))
            row["unit"] = unit
        if value["floor"]:
            floor = _integer(value["floor"])
            if floor is None:
                checked.error(number, "floor", _("Enter a whole number (negative for a basement)."))
            row["floor"] = floor

        for key, mapping in maps.items():
            if value[key]:
                if _norm(value[key]) in mapping:
                    row[key] = mapping[_norm(value[key])]
                else:
                    checked.error(number, key, _("“%(value)s” is not one of the allowed values.") % {"value": value[key][:30]})
        for key in ("household_phone", "phone"):
            if value[key]:
                try:
                    row[key] = normalize_mobile(value[key])
                except ValidationError as exc:
                    checked.error(number, key, exc.messages[0])
        if value["birth_date"]:
            birth = _date(value["birth_date"])
            if birth is None:
                checked.error(number, "birth_date", _("Write the date as YYYY-MM-DD."))
            elif birth > today or birth.year < 1890:
                checked.error(number, "birth_date", _("This birth date is not plausible."))
            else:
                row["birth_date"] = birth
        _check_id_number(checked, number, raw["id_number"], value["id_number"], row, seen_ids)
        if not row.get("sex") and not value["sex"] and not value["id_number"]:
            checked.error(number, "sex", _("Give the sex, or the ID number it is read from."))

        party = value["is_party_member"].lower()
        if party not in yes and party not in no:
            checked.error(number, "is_party_member", _("Write yes or no."))
        row["is_party_member"] = party in yes
        for name in filter(None, (part.strip() for part in TAG_SEPARATORS.split(value["tags"]))):
            tag = tags.get(_norm(name))
            if tag is None:
                checked.error(number, "tags", _("Unknown tag “%(tag)s”.") % {"tag": name[:30]})
            elif tag.sensitive and not sensitive_ok:
                checked.error(number, "tags", _("Your role does not allow setting sensitive tags."))
            elif tag not in row["tags"]:
                row["tags"].append(tag)
        checked.rows.append(row)
    _check_households(checked)
    return checked


def _check_id_number(checked: Checked, number: int, raw, text: str, row: dict, seen_ids: dict[str, int]) -> None:
    if not text:
        return
    if isinstance(raw, float):
        # Excel stores numbers as doubles: an 18-digit ID typed into a number cell has lost its last digits already.
        checked.error(number, "id_number", _("Excel stored this ID number as a number and changed its last digits; format the column as text and retype it."))
        return
    try:
        info = parse_id_number(text)
    except ValidationError as exc:
        checked.error(number, "id_number", exc.messages[0])
        return
    if info.number in seen_ids:
        checked.error(number, "id_number", _("The same ID number is already on row %(row)d.") % {"row": seen_ids[info.number]})
    else:
        seen_ids[info.number] = number
    if row.get("birth_date") and row["birth_date"] != info.birth_date:
        checked.error(number, "birth_date", _("The birth date does not match the ID number."))
    if row.get("sex") and row["sex"] != info.sex:
        checked.error(number, "sex", _("The sex does not match the ID number."))
    row.update(id_number=info.number, birth_date=info.birth_date, sex=info.sex, id_legacy=info.legacy, id_hash=keyed_hash(info.number))


def household_key(row: dict) -> tuple | None:
    if row.get("building") is None or row.get("unit") is None or not row.get("room"):
        return None
    return (row["building"].pk, row["unit"], row["room"])


def _check_households(checked: Checked) -> None:
    """Rows of one household agree on floor, phone and tenure, and name at most one head."""
    first: dict[tuple, dict] = {}
    heads: dict[tuple, int] = {}
    for row in checked.rows:
        key = household_key(row)
        if key is None:
            continue
        reference = first.setdefault(key, {})
        for name in HOUSEHOLD_CONSISTENT:
            if row.get(name) in (None, ""):
                continue
            if name not in reference:
                reference[name] = (row[name], row["row"])
            elif reference[name][0] != row[name]:
                checked.error(row["row"], name, _("Differs from row %(row)d of the same household.") % {"row": reference[name][1]})
        if row.get("relation") == Resident.Relation.HEAD:
            if key in heads:
                checked.error(row["row"], "relation", _("The household already has its head on row %(row)d.") % {"row": heads[key]})
            else:
                heads[key] = row["row"]


# A resident's household's place in the tree, read alongside it to tell whether the user may see that household.
_ANCESTRY_LOOKUPS = [
    (Level.DISTRICT, "household__grid__district_id"),
    (Level.STREET, "household__grid__street_id"),
    (Level.COMMUNITY, "household__grid__community_id"),
    (Level.GRID, "household__grid_id"),
    (Level.BUILDING, "household__building_id"),
]


def check_against_database(checked: Checked, *, visible_scope) -> list[int]:
    """ID numbers already registered and rooms already lived in refuse the file too; returns the residents found outside the user's area.

    Where the other household is in the user's own area it is named on the row. Elsewhere the file gets one generic
    problem that names no row: a per-row answer would let a file of candidate numbers find out which ones are registered.
    """
    hashes = {row["id_hash"]: row["row"] for row in checked.rows if row.get("id_hash")}
    keys = sorted(hashes)
    levels = [level for level, _lookup in _ANCESTRY_LOOKUPS]
    elsewhere = []
    # Batches keep each statement's parameter list bounded; a 20,000-row file needs at most 20 queries.
    for start in range(0, len(keys), 1000):
        found = Resident.objects.filter(id_number_hash__in=keys[start : start + 1000], moved_out_on__isnull=True).values_list(
            "pk", "id_number_hash", "household__building__name", "household__unit", "household__room", *(lookup for _level, lookup in _ANCESTRY_LOOKUPS)
        )
        for pk, digest, building_name, unit, room, *ancestry in found:
            if visible_scope.contains(dict(zip(levels, ancestry, strict=True))):
                problem = _("This ID number is already registered in household %(household)s.") % {"household": f"{building_name} {unit}-{room}"}
                checked.error(hashes[digest], "id_number", problem)
            else:
                elsewhere.append(pk)
    if elsewhere:
        checked.error(
            0, None, _("Some ID numbers in this file are already registered elsewhere in the district; contact the community where those people live.")
        )
    rooms: dict[tuple, int] = {}
    for row in checked.rows:
        key = household_key(row)
        if key is not None:
            rooms.setdefault(key, row["row"])
    building_ids = {key[0] for key in rooms}
    occupied = set(Household.objects.filter(building_id__in=building_ids, status=Household.Status.ACTIVE).values_list("building_id", "unit", "room"))
    for key in occupied & set(rooms):
        checked.error(rooms[key], "room", _("This room already has a household living in it."))
    return elsewhere


def errors_workbook(run) -> bytes:
    """The problems of one import run, for the grid it was meant for, as of the attempt."""
    book = Workbook(write_only=True)
    header = [_("Row"), _("Column"), _("Problem")]
    xlsx.sheet_write(book, title=_("Problems"), unit=run.grid.full_name, as_of=run.created_at, header=header, rows=run.errors)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Personal data columns an export writes, for the access log.
EXPORT_FIELDS = ["name", "id_number", "birth_date", "sex", "phone", "household_phone", "address", "work_unit", "party", "special_situation", "tags"]


@dataclass
class Export:
    file: IO[bytes]
    rows: int
    households: int
    # The narrowest node holding every exported household, so the access log is placed where auditors look.
    ancestry: dict


def _common_ancestry(queryset) -> dict:
    """The narrowest node holding every household of `queryset` (one aggregate query), level by level."""
    paths = {level: lookup.removeprefix("household__") for level, lookup in _ANCESTRY_LOOKUPS}
    bounds = queryset.order_by().aggregate(
        **{f"{level}_min": Min(path) for level, path in paths.items()}, **{f"{level}_max": Max(path) for level, path in paths.items()}
    )
    return {level: bounds[f"{level}_min"] for level in paths if bounds[f"{level}_min"] is not None and bounds[f"{level}_min"] == bounds[f"{level}_max"]}


def _unit_name(ancestry: dict) -> str:
    """The area an export covers, named for its title row: the narrowest node holding every household."""
    level = next((level for level in (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT) if level in ancestry), None)
    return NODE_MODELS[level].objects.select_related(*NODE_RELATED[level]).get(pk=ancestry[level]).full_name if level else ""


def export_workbook(user, queryset, *, unmasked: bool) -> Export:
    """Write one row per resident (or per empty household) to a temporary .xlsx, in write-only mode.

    Values are masked unless `unmasked`, which needs REVEAL_PERSONAL over every household; the caller checks the reason
    and logs the export. Members and tags come in a fixed number of queries per chunk of households, never per row.
    """
    sensitive = scope_for(user, Capability.VIEW_SENSITIVE)
    reveal = scope_for(user, Capability.REVEAL_PERSONAL)
    sorted_tags = CareTag.objects.order_by("sort_order", "id")
    members = Prefetch(
        "residents",
        queryset=Resident.objects.filter(moved_out_on__isnull=True).prefetch_related(Prefetch("tags", queryset=sorted_tags)).order_by("id"),
    )
    header = header_row()
    if not unmasked:
        # A masked file leaves the exporter's hands: the age, never the birth date that would complete the masked ID number.
        header[POSITION["birth_date"]] = _("Age")
    yes, no = _("yes"), _("no")
    rows = households = 0

    def lines():
        nonlocal rows, households
        for household in queryset.prefetch_related(members).iterator(chunk_size=EXPORT_CHUNK):
            ancestry = household.ancestry()
            if unmasked and not reveal.contains(ancestry):
                raise PermissionDenied(_("Your role does not allow revealing personal data."))
            households += 1
            sensitive_ok = sensitive.contains(ancestry)
            household_tags = [tag.name for tag in household.tags.all() if sensitive_ok or not tag.sensitive]
            address = [household.grid.name, household.building.number, household.unit, household.floor, household.room]
            phone = decrypt(household.phone_enc) if unmasked else household.phone_masked
            tenure = household.get_tenure_display()
            for resident in household.residents.all() or [None]:
                rows += 1
                if resident is None:
                    yield [*address, phone, tenure, "", "", "", "", "", "", "", "", "", "", "", "、".join(household_tags)]
                    continue
                birth = resident.birth_date if unmasked else resident.age
                resident_tags = [tag.name for tag in resident.tags.all() if (sensitive_ok or not tag.sensitive) and tag.name not in household_tags]
                yield [
                    *address,
                    phone,
                    tenure,
                    resident.get_relation_display(),
                    resident.name,
                    decrypt(resident.id_number_enc) if unmasked else resident.id_number_masked,
                    resident.get_sex_display(),
                    birth,
                    decrypt(resident.phone_enc) if unmasked else resident.phone_masked,
                    resident.get_employment_display(),
                    resident.work_unit,
                    yes if resident.is_party_member else no,
                    resident.party_branch,
                    resident.special_situation,
                    "、".join([*household_tags, *resident_tags]),
                ]

    common = _common_ancestry(queryset)
    book = Workbook(write_only=True)
    xlsx.sheet_write(
        book,
        title=_("Household ledger"),
        unit=_unit_name(common),
        as_of=timezone.now(),
        header=[_("Grid"), *header],
        rows=lines(),
        # The grid column comes first, so the template's columns are one to the right.
        formats={1 + POSITION["birth_date"]: xlsx.DATE} if unmasked else None,
    )
    # Left open on purpose: the response streams it and closes it when sent.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(output)
    output.seek(0)
    return Export(file=output, rows=rows, households=households, ancestry=common)
