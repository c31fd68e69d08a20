"""Read a legacy spreadsheet (CSV or XLSX) into numbered rows of text, before any validation."""
from __future__ import annotations

from django.utils.translation import gettext as _

from helpdesk.spreadsheets import SpreadsheetError, read_table

REQUIRED_COLUMNS = ("date", "centre", "service", "gender")
OPTIONAL_COLUMNS = ("count", "person_ref", "name", "phone", "phone_country", "birth_year", "channel", "topics", "activity", "consent", "nrc", "passport")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class FileError(SpreadsheetError):
    """The file as a whole cannot be read (format, encoding, missing columns): no row is imported."""


def _column_name(value) -> str:
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def read_rows(content: bytes, filename: str) -> tuple[list[tuple[int, dict[str, str], str]], list[str]]:
    """Return ([(row_number, {column: text}, problem)], ignored_columns); row numbers are the spreadsheet's (header = 1).

    ``problem`` is empty, or why the reader refused the row (control characters, an over-long cell).
    """
    try:
        raw = read_table(content, filename)
    except SpreadsheetError as exc:
        raise FileError(str(exc)) from exc
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
        rows.append((number, row, values.problem))
    return rows, ignored
