"""Read a legacy spreadsheet (CSV or XLSX) into numbered rows of text, before any validation."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.utils.translation import gettext as _

REQUIRED_COLUMNS = ("date", "centre", "service", "gender")
OPTIONAL_COLUMNS = ("count", "person_ref", "name", "phone", "birth_year", "channel", "topics", "activity")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class FileError(ValueError):
    """The file as a whole cannot be read (format, encoding, missing columns): no row is imported."""


def _column_name(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _cell_text(value) -> str:
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
        raise FileError(_("The CSV file is not UTF-8. In Excel choose “CSV UTF-8” when saving.")) from exc
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or non-XLSX file
        raise FileError(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_rows(content: bytes, filename: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Return ([(row_number, {column: text})], ignored_columns); row numbers are the spreadsheet's (header = 1)."""
    if filename.lower().endswith(".xlsx"):
        raw = _xlsx_rows(content)
    elif filename.lower().endswith((".csv", ".txt")):
        raw = _csv_rows(content)
    else:
        raise FileError(_("Upload a .csv or .xlsx file."))
    if not raw:
        raise FileError(_("The file is empty."))
    header = [_column_name(v) for v in raw[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileError(_("Missing required column(s): %(columns)s. The first row must name the columns.")
                        % {"columns": ", ".join(missing)})
    ignored = [h for h in header if h and h not in COLUMNS]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(str(v).strip() for v in values):
            continue  # blank lines between blocks are common in hand-kept sheets
        row = {name: str(values[i]).strip() if i < len(values) else "" for i, name in enumerate(header) if name in COLUMNS}
        rows.append((number, row))
    return rows, ignored
