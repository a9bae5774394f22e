import io

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
