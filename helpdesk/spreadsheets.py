"""Read an uploaded spreadsheet (CSV or XLSX) into rows of text: the one reader every import uses.

Problems that concern one row only (control characters, an over-long cell) do not
stop the file: the row carries a ``problem`` the import reports as that row's error.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CSV_UNREADABLE = _("The file could not be read as CSV: it is not UTF-8. In Excel choose “CSV UTF-8” when saving.")
XLSX_UNREADABLE = _("The file could not be read as XLSX: it is damaged or not an Excel workbook.")
FILE_TYPE_INVALID = _("Upload a .csv or .xlsx file.")
CONTROL_CHARACTERS = _("column %(column)s holds control characters (such as NUL); remove them and import the row again.")
CELL_TOO_LONG = _("column %(column)s is longer than %(max)s characters; shorten it and import the row again.")

MAX_CELL_LENGTH = 2_000  # longer than any field we store; a longer cell is a pasted document or a broken file
DELIMITERS = ",;\t"
# C0 and C1 control characters except tab, line feed and carriage return (which CSV cells may hold).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The csv module refuses fields over its limit (128 KB) with an error that stops the whole file;
# a long cell should be one row's error instead, so the limit is raised and the cell capped below.
csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message tells the person who uploaded it what to do."""


class TableRow(list):
    """One row's cells as text; ``problem`` says why the row cannot be imported, or is empty."""

    problem: str = ""


def cell_text(value) -> str:
    """Turn a spreadsheet cell into text: dates as ISO, whole floats without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def column_letter(index: int) -> str:
    """Return a spreadsheet's name for the 0-based column ``index`` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _checked(cells: list[str]) -> TableRow:
    """Strip control characters and cap long cells, noting the first problem on the row (never the cell itself)."""
    row = TableRow()
    for index, cell in enumerate(cells):
        if CONTROL.search(cell):
            cell = CONTROL.sub("", cell)
            row.problem = row.problem or gettext(CONTROL_CHARACTERS) % {"column": column_letter(index)}
        if len(cell) > MAX_CELL_LENGTH:
            cell = cell[:MAX_CELL_LENGTH]
            row.problem = row.problem or gettext(CELL_TOO_LONG) % {"column": column_letter(index), "max": f"{MAX_CELL_LENGTH:,}"}
        row.append(cell)
    return row


def _delimiter(first_line: str) -> str:
    """The delimiter of the header line: the most frequent of , ; tab outside quotes (comma when none)."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(content: bytes) -> list[list[str]]:
    """Read CSV as Excel writes it: a doubled quote inside quotes is one quote, whatever the delimiter."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(str(CSV_UNREADABLE)) from exc
    first_line = text.split("\n", 1)[0]
    try:
        return list(csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=_delimiter(first_line)))
    except csv.Error as exc:
        raise SpreadsheetError(str(CSV_UNREADABLE)) from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-XLSX file
        raise SpreadsheetError(str(XLSX_UNREADABLE)) from exc
    try:
        return [[cell_text(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_table(content: bytes, filename: str) -> list[TableRow]:
    """Return the first sheet (or the CSV) as rows of text; SpreadsheetError when the file cannot be read.

    A row with control characters or a cell over MAX_CELL_LENGTH comes back cleaned
    and capped, with its ``problem`` set: the imports report it and do not apply it.
    """
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(content)
    else:
        raise SpreadsheetError(str(FILE_TYPE_INVALID))
    return [_checked(cells) for cells in rows]
