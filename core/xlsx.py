"""Every .xlsx the product writes appends its rows here, so that no text typed by a user becomes a live formula.

openpyxl stores a string starting with "=" as a formula, and a spreadsheet may run text starting with "+", "-", "@",
a tab or a carriage return as one when the cell is edited. Such text is written as a string cell with Excel's quote
prefix: it is shown exactly as typed and never evaluated. Numbers, dates and other strings are written unchanged.
"""

from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(sheet, value):
    """The value itself, or for text a spreadsheet would evaluate, a text cell that shows it literally."""
    if not isinstance(value, str) or not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value)
    # Assigning the value made it a formula; the type is forced back to text after it.
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def append(sheet, row) -> None:
    """Append one row to a worksheet (normal or write-only) with every cell made safe."""
    sheet.append([safe_cell(sheet, value) for value in row])
