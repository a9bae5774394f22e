"""Every .xlsx the product writes goes through here, so that each sheet reads alike and no user text becomes a formula.

`sheet_write` lays out a sheet the way cadres file it: a title row (whose figures, for which period, data as of when,
in local time), a bold, filled header frozen in place, columns wide enough for their Chinese text, rates as
percentages and dates as real dates.

openpyxl stores a string starting with "=" as a formula, and a spreadsheet may run text starting with "+", "-", "@",
a tab or a carriage return as one when the cell is edited. Such text is written as a string cell with Excel's quote
prefix: it is shown exactly as typed and never evaluated. Numbers, dates and other strings are written unchanged.
"""

import datetime as dt
import unicodedata
from itertools import chain, islice

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PERCENT, DATE, DATETIME = "percent", "date", "datetime"
NUMBER_FORMATS = {PERCENT: "0.0%", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}
# What a formatted cell shows, for the column width: "100.0%", "2026-11-29", "2026-11-29 19:50".
SHOWN_WIDTHS = {PERCENT: 6, DATE: 10, DATETIME: 16}
TITLE_FONT = Font(bold=True, size=12)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# The title row, then the header; data starts on the row below.
HEADER_ROW = 2
MAX_WIDTH = 60
WIDTH_SAMPLE = 500


def _plain(value):
    """Lazy text as text, and aware times in the office's time zone without it (Excel has no time zones)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def safe_cell(sheet, value, *, number_format=None, font=None, fill=None):
    """The value itself, or a cell when it is styled or is text a spreadsheet would evaluate (then shown literally)."""
    value = _plain(value)
    formula_like = isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
    if not (formula_like or number_format or font or fill):
        return value
    cell = WriteOnlyCell(sheet, value)
    if formula_like:
        # Assigning the value made it a formula; the type is forced back to text after it.
        cell.data_type = "s"
        cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell


def append(sheet, row) -> None:
    """Append one row to a worksheet (normal or write-only) with every cell made safe."""
    sheet.append([safe_cell(sheet, value) for value in row])


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Chinese (wide) characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _shown_width(value, kind: str | None) -> int:
    if value is None or value == "":
        return 0
    if kind in SHOWN_WIDTHS:
        return SHOWN_WIDTHS[kind]
    return max(display_width(line) for line in str(_plain(value)).splitlines() or [""])


def title_text(*, unit: str, subject: str, period: tuple[dt.date, dt.date] | None = None, as_of: dt.datetime | None = None) -> str:
    """“长安区 · 逾期 · 2026-11-01 至 2026-11-29 · 数据截至 2026-11-29 19:50”: whose figures, which, when."""
    parts = [unit, subject]
    if period is not None:
        parts.append(_("%(start)s to %(end)s") % {"start": period[0].isoformat(), "end": period[1].isoformat()})
    if as_of is not None:
        parts.append(_("as of %(t)s") % {"t": timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M")})
    return " · ".join(str(part) for part in parts if part)


def sheet_write(book, *, title, unit: str, header, rows, period=None, as_of=None, formats: dict[int, str] | None = None):
    """Add a sheet named `title` to `book` (normal or write-only): title row, frozen bold header, then `rows`.

    `formats` maps a column (0-based) to PERCENT (values are fractions), DATE or DATETIME; aware times are written in
    local time. Returns the sheet, whose header is row HEADER_ROW.
    """
    formats = formats or {}
    header = [str(label) for label in header]
    sheet = book.create_sheet(str(title)[:31])
    rows = iter(rows)
    # Write-only sheets take widths before any row: measuring the header and first rows only keeps large exports streaming.
    sample = list(islice(rows, WIDTH_SAMPLE))
    for position, label in enumerate(header):
        kind = formats.get(position)
        widest = max([display_width(label), *(_shown_width(row[position], kind) for row in sample if position < len(row))])
        sheet.column_dimensions[get_column_letter(position + 1)].width = min(widest + 2, MAX_WIDTH)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.append([safe_cell(sheet, title_text(unit=unit, subject=str(title), period=period, as_of=as_of), font=TITLE_FONT)])
    sheet.append([safe_cell(sheet, label, font=HEADER_FONT, fill=HEADER_FILL) for label in header])
    number_formats = {position: NUMBER_FORMATS[kind] for position, kind in formats.items()}
    for row in chain(sample, rows):
        sheet.append([safe_cell(sheet, value, number_format=number_formats.get(position)) for position, value in enumerate(row)])
    return sheet
