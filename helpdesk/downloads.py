"""Every spreadsheet the app hands out goes through here, so no typed name can run as a formula.

A name, employer or agency typed as ``=HYPERLINK(...)`` or ``@SUM(1+9)*cmd|' /C calc'!A0`` would run
when a manager opens the export in Excel or LibreOffice. Text cells starting with a formula character
(``= + - @``, tab, carriage return, or their fullwidth forms, which Excel also reads as formulas) get a
leading apostrophe in CSV; XLSX cells are stored as text, never as formulas. Numbers pass unchanged.
"""
from __future__ import annotations

import csv
import io
import numbers
from collections.abc import Callable, Iterable
from datetime import date, datetime

# "=", "+", "-", "@", tab, carriage return, and the fullwidth ＝ ＋ － ＠.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value):
    """Return ``value`` as a cell no spreadsheet will run: numbers and dates as they are, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (numbers.Number, date, datetime)):
        return value
    text = str(value)
    # Leading spaces do not stop LibreOffice from reading " =1+1" as a formula.
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SafeWriter:
    """Return the one CSV writer every export uses (write the BOM first: Excel then reads Burmese as UTF-8)."""
    return SafeWriter(out, **kwargs)


def csv_bytes(write: Callable[[SafeWriter], None]) -> bytes:
    """Return what ``write(writer)`` writes as UTF-8 CSV, with a BOM so Excel shows Burmese."""
    out = io.StringIO()
    write(csv_writer(out))
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_text_only(workbook) -> None:
    """Store every cell openpyxl took for a formula (any text starting with "=") as plain text instead.

    Our exports never write formulas, so a cell of type "f" can only be typed-in text.
    """
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
