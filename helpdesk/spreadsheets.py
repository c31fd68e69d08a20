"""Read an uploaded spreadsheet (CSV or XLSX) into rows of text: the one reader every import uses.

Problems that concern one row only (control characters, an over-long cell) do not
stop the file: the row carries a ``problem`` the import reports as that row's error.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.text import Encoding, document_encoding, has_burmese

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
XLSX_TOO_BIG_UNPACKED = _(
    "The workbook unpacks to %(size)s MB, more than the %(max)s MB the helpdesk reads. "
    "Save only the sheet to import, as CSV UTF-8 or a new workbook."
)
XLSX_TEXT_TOO_BIG = _(
    "The workbook's text cells hold %(size)s MB, more than the %(max)s MB the helpdesk reads: "
    "a cell may hold a whole document pasted in. Remove it, or save the sheet as CSV UTF-8."
)
XLSX_CELL_TOO_BIG = _(
    "One cell holds %(size)s MB of text; a spreadsheet cell holds at most 32,767 characters, so a whole document "
    "may have been pasted into it. Remove it, or save the sheet as CSV UTF-8."
)
XLSX_TOO_MANY_ROWS = _("The first sheet has %(rows)s rows; the helpdesk reads at most %(max)s. Split the file.")
XLSX_TOO_MANY_COLUMNS = _(
    "The first sheet is %(columns)s columns wide; the helpdesk reads at most %(max)s. Delete the empty columns on the right."
)
EXCERPT_LENGTH = 60
ENCODING_SAMPLE = 2_000  # Burmese cells read to decide a file's encoding (~0.3 ms each)
ENCODING_MIN_SURE = 3  # cells that must prove it, and none the other way


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


def shown_value(value, limit: int = EXCERPT_LENGTH) -> str:
    """Return a cell as an error message may quote it: at most ``limit`` characters (a cell can hold megabytes)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.1f}"


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _first_sheet_name(archive: zipfile.ZipFile) -> str | None:
    names = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    return min(names, key=lambda n: int(re.sub(r"\D", "", n))) if names else None


def xlsx_dimensions(archive: zipfile.ZipFile) -> tuple[int, int] | None:
    """Return (rows, columns) the first sheet declares in its <dimension>, reading only its first kilobytes."""
    name = _first_sheet_name(archive)
    if name is None:
        return None
    with archive.open(name) as sheet:
        head = sheet.read(4096)
    found = _DIMENSION.search(head)
    if not found:
        return None
    last_column, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    if not last_row or not last_column:
        return None
    return int(last_row), _column_number(last_column.decode())


SCAN_CHUNK = 1024 * 1024


def _longest_text(stream) -> int:
    """Return the longest run of bytes without a "<" in an XML part: its longest text, read 1 MB at a time."""
    longest = run = 0
    while chunk := stream.read(SCAN_CHUNK):
        pieces = chunk.split(b"<")
        if len(pieces) == 1:
            run += len(chunk)
        else:
            longest = max(longest, run + len(pieces[0]), max(map(len, pieces[1:-1]), default=0))
            run = len(pieces[-1])
        longest = max(longest, run)
    return longest


def xlsx_check(content: bytes) -> None:
    """Refuse a workbook too big to load, from its zip directory and dimension, before openpyxl unpacks it.

    The sizes are those the zip declares; Python's zip reader never unpacks more than declared, so a
    part cannot grow past what was checked. (One 400 MB cell compresses to a 409 KB file.) The text
    cells of the first sheet are then measured streaming (3.5 s for 100 MB unpacked on the project's
    shared 2-core machine): none may be longer than ``XLSX_MAX_CELL_BYTES``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SpreadsheetError(str(XLSX_UNREADABLE)) from exc
    with archive:
        parts = archive.infolist()
        unpacked = sum(part.file_size for part in parts)
        if unpacked > settings.XLSX_MAX_UNPACKED_BYTES:
            raise SpreadsheetError(str(XLSX_TOO_BIG_UNPACKED % {"size": _mb(unpacked), "max": _mb(settings.XLSX_MAX_UNPACKED_BYTES)}))
        text = sum(part.file_size for part in parts if part.filename.lower().endswith("sharedstrings.xml"))
        if text > settings.XLSX_MAX_SHARED_STRINGS_BYTES:
            raise SpreadsheetError(str(XLSX_TEXT_TOO_BIG % {"size": _mb(text), "max": _mb(settings.XLSX_MAX_SHARED_STRINGS_BYTES)}))
        try:
            dimensions = xlsx_dimensions(archive)
            # openpyxl writes text inline in the sheet, Excel in sharedStrings: look at both, streaming.
            texts = [p for p in parts if p.filename.lower().endswith("sharedstrings.xml")]
            sheet = _first_sheet_name(archive)
            longest = max((_longest_text(archive.open(part)) for part in [*texts, *([sheet] if sheet else [])]), default=0)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise SpreadsheetError(str(XLSX_UNREADABLE)) from exc
    if longest > settings.XLSX_MAX_CELL_BYTES:
        raise SpreadsheetError(str(XLSX_CELL_TOO_BIG % {"size": _mb(longest)}))
    if dimensions:
        rows, columns = dimensions
        if rows > settings.XLSX_MAX_ROWS:
            raise SpreadsheetError(str(XLSX_TOO_MANY_ROWS % {"rows": f"{rows:,}", "max": f"{settings.XLSX_MAX_ROWS:,}"}))
        if columns > settings.XLSX_MAX_COLUMNS:
            raise SpreadsheetError(str(XLSX_TOO_MANY_COLUMNS % {"columns": f"{columns:,}", "max": f"{settings.XLSX_MAX_COLUMNS:,}"}))


def table_size(content: bytes, filename: str) -> int | None:
    """Return about how many rows the file has without reading it (None: cannot tell cheaply)."""
    name = filename.lower()
    if name.endswith((".csv", ".txt")):
        return content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
    if name.endswith(".xlsx"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                dimensions = xlsx_dimensions(archive)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            return None
        return dimensions[0] if dimensions else None
    return None


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    xlsx_check(content)
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


def table_encoding(rows) -> Encoding | None:
    """Return the encoding a file's Burmese cells prove ("zawgyi" or "unicode"), None when unsure or mixed.

    A file is typed on one keyboard: a cell that alone is ambiguous (Zawgyi ``လွလွ`` is also
    valid Unicode) is read in the encoding at least ENCODING_MIN_SURE other cells prove,
    none contradicting them. Only the first
    ENCODING_SAMPLE Burmese cells are read; a cell that is Unicode for sure stays Unicode
    whatever the file shows (see helpdesk.text.guess_encoding).
    """
    cells = (cell for row in rows for cell in row if isinstance(cell, str) and has_burmese(cell))
    sample = (cell for cell, _ in zip(cells, range(ENCODING_SAMPLE), strict=False))
    return document_encoding(sample, min_sure=ENCODING_MIN_SURE)
