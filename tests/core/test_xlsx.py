import datetime as dt
import io

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core import xlsx


def test_text_a_spreadsheet_would_evaluate_is_stored_as_text():
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    xlsx.append(sheet, ['=HYPERLINK("http://x")', "+86 138", "-1", "@SUM(A1)", "plain", 5, -1])
    buffer = io.BytesIO()
    book.save(buffer)
    row = next(load_workbook(buffer).active.iter_rows())
    assert [cell.value for cell in row] == ['=HYPERLINK("http://x")', "+86 138", "-1", "@SUM(A1)", "plain", 5, -1]
    assert [cell.data_type for cell in row] == ["s", "s", "s", "s", "s", "n", "n"]
    assert all(cell.quotePrefix for cell in row[:4]) and not row[4].quotePrefix


def written(write_only: bool, **kwargs):
    book = Workbook(write_only=write_only)
    fields = {"title": "逾期", "unit": "长安区", "header": ["诉求编号", "Rate", "Due", "说明"], "rows": [], **kwargs}
    with translation.override("zh-hans"):
        xlsx.sheet_write(book, **fields)
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(buffer)["逾期"]


@pytest.mark.parametrize("write_only", [True, False])
def test_a_sheet_says_whose_figures_and_as_of_when_above_a_frozen_bold_header(write_only):
    as_of = dt.datetime(2026, 11, 29, 11, 50, tzinfo=dt.UTC)
    sheet = written(write_only, period=(dt.date(2026, 11, 1), dt.date(2026, 11, 29)), as_of=as_of, rows=[["A1", 0.973, None, "x"]])
    # 11:50 UTC is 19:50 in the office's time zone.
    assert sheet["A1"].value == "长安区 · 逾期 · 2026-11-01 至 2026-11-29 · 数据截至 2026-11-29 19:50"
    assert [cell.value for cell in sheet[2]] == ["诉求编号", "Rate", "Due", "说明"]
    assert all(cell.font.bold and cell.fill.fgColor.rgb == "00DDEBF7" for cell in sheet[2])
    assert sheet.freeze_panes == "A3" and sheet["A3"].value == "A1"


def test_without_a_period_or_a_time_the_title_names_the_unit_and_the_sheet():
    assert written(True)["A1"].value == "长安区 · 逾期"


@pytest.mark.parametrize("write_only", [True, False])
def test_rates_are_percentages_and_times_are_local_dates(write_only):
    due = dt.datetime(2026, 11, 3, 1, 30, tzinfo=dt.UTC)
    sheet = written(write_only, rows=[["A1", 0.973, due, "x"], ["A2", None, None, "y"]], formats={1: xlsx.PERCENT, 2: xlsx.DATETIME})
    rate, when = sheet["B3"], sheet["C3"]
    assert rate.value == 0.973 and rate.number_format == "0.0%"
    assert when.is_date and when.value == dt.datetime(2026, 11, 3, 9, 30) and when.number_format == "yyyy-mm-dd hh:mm"
    assert sheet["B4"].value is None and sheet["C4"].value is None


def test_columns_fit_their_chinese_text_and_stay_readable():
    long = "楼道堆放杂物影响通行" * 10
    sheet = written(True, rows=[["A1", 0.5, None, long], ["甲乙丙丁戊己庚辛壬癸", 1, None, "x"]], formats={1: xlsx.PERCENT})
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["A"] >= xlsx.display_width("甲乙丙丁戊己庚辛壬癸") == 20
    assert widths["B"] >= len("100.0%") and widths["C"] >= xlsx.display_width("Due")
    assert widths["D"] == xlsx.MAX_WIDTH  # a long text is capped, not a 200-character column


def test_rows_past_the_width_sample_are_all_written():
    rows = [[f"A{index}", None, None, "x"] for index in range(xlsx.WIDTH_SAMPLE + 10)]
    sheet = written(True, rows=rows)
    assert sheet.max_row == 2 + len(rows) and sheet.cell(row=sheet.max_row, column=1).value == f"A{len(rows) - 1}"


def test_text_that_would_run_stays_text_in_the_title_header_and_rows():
    sheet = written(True, unit="=1+1", header=["=SUM(A1)", "b", "c", "d"], rows=[["@x", "-2", "+3", "=4"]])
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [cell.data_type for cell in cells] == ["s"] * 9
    assert sheet["A1"].value.startswith("=1+1") and sheet["A2"].value == "=SUM(A1)" and sheet["D3"].value == "=4"


def test_display_width_counts_chinese_as_two():
    assert (xlsx.display_width("ab"), xlsx.display_width("楼栋"), xlsx.display_width("１号")) == (2, 4, 4)
