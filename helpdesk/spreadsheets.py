"""Read an uploaded spreadsheet (CSV or XLSX) into rows of text: the one reader every import uses."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _

CSV_UNREADABLE = _("The file could not be read as CSV: it is not UTF-8. In Excel choose “CSV UTF-8” when saving.")
XLSX_UNREADABLE = _("The file could not be read as XLSX: it is damaged or not an Excel workbook.")
FILE_TYPE_INVALID = _("Upload a .csv or .xlsx file.")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message tells the person who uploaded it what to do."""


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


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(str(CSV_UNREADABLE)) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(io.StringIO(text), dialect))
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


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """Return the first sheet (or the CSV) as rows of text; SpreadsheetError when the file cannot be read."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(content)
    if name.endswith((".csv", ".txt")):
        return _csv_rows(content)
    raise SpreadsheetError(str(FILE_TYPE_INVALID))
