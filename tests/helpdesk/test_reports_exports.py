"""One table, three formats: CSV, XLSX (read back with openpyxl) and PDF (read with pdftotext) carry the same numbers."""
import csv
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from helpdesk.reports.exports import table_csv, table_xlsx
from helpdesk.reports.pdf import table_pdf
from helpdesk.reports.table import BY_QUARTER, ReportFilter, beneficiary_table
from tests.factories import ActivityFactory, ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def table(centre):
    ma = PersonFactory(centre=centre, gender="woman")
    ko = PersonFactory(centre=centre, gender="man")
    for day, service, person, gender in [
        (date(2024, 1, 5), "drop_in", ma, "woman"), (date(2024, 1, 9), "helpline", ma, "woman"),
        (date(2024, 4, 2), "helpline", None, "man"), (date(2024, 4, 3), "helpline", None, "other"),
        (date(2024, 5, 3), "complaint", ko, "man"), (date(2024, 8, 1), "drop_in", None, "undisclosed"),
    ]:
        ContactFactory(centre=centre, person=person, gender=gender, service=service, date=day)
    ActivityFactory(centre=centre, kind="training", date=date(2024, 2, 1), women_count=1200, men_count=800)
    mobilisation = ActivityFactory(centre=centre, kind="mobilisation", date=date(2024, 11, 1), women_count=7, men_count=3, other_count=1)
    mobilisation.attendees.add(ma, ko)
    return beneficiary_table(ReportFilter(start=date(2024, 1, 1), end=date(2024, 12, 31), by=BY_QUARTER))


def expected_rows(table):
    """[(label, [reached, %women, %men, other, undisclosed] per column)] from the computed table."""
    rows = [*table.rows, table.grand_total]
    return [
        (str(row.label), [[c.total, c.women_pct, c.men_pct, c.other, c.undisclosed] for c in [*row.cells, row.total]])
        for row in rows
    ]


def test_the_table_itself(table):
    assert [p.label for p in table.periods] == ["2024 Q1", "2024 Q2", "2024 Q3", "2024 Q4"]
    training = table.row("training")
    assert training.cells[0].total == 2000 and training.total.women_pct == 60
    mobilisation = table.row("mobilisation").cells[3]
    assert (mobilisation.woman, mobilisation.man, mobilisation.other) == (8, 4, 1)  # tallies + attendees
    assert table.row("helpline").cells[1].total == 2  # the anonymous man and "other"
    assert table.row("helpline").cells[1].women_pct == 0 and table.row("helpline").cells[1].men_pct == 50
    assert table.row("drop_in").cells[2].women_pct is None  # only "not disclosed": no share, still counted
    assert table.grand_total.total.total == 6 + 2000 + 13
    # Ma (drop-in, helpline, mobilisation) and Ko (complaint, mobilisation) are two people
    assert table.total_unique_persons.total == 2
    assert [c.total for c in table.unique_persons.cells] == [1, 1, 0, 2]


def test_csv_carries_the_table(table):
    rows = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8-sig"))))
    by_label = {r[0]: r[1:] for r in rows if r}
    for label, cells in expected_rows(table):
        flat = [("" if v is None else str(v)) for cell in cells for v in cell]
        assert by_label[label] == flat, label


def test_xlsx_carries_the_table_with_formats(table):
    sheet = load_workbook(io.BytesIO(table_xlsx(table))).active
    rows = {r[0].value: r[1:] for r in sheet.iter_rows() if r[0].value}
    for label, cells in expected_rows(table):
        got = rows[label]
        for i, cell in enumerate(cells):
            reached, women, men, other, undisclosed = got[i * 5:i * 5 + 5]
            assert reached.value == cell[0] and reached.number_format == "#,##0", label
            for pct_cell, expected in ((women, cell[1]), (men, cell[2])):
                assert pct_cell.number_format == "0%"
                assert (None if pct_cell.value is None else round(pct_cell.value * 100)) == expected, label
            assert (other.value, undisclosed.value) == (cell[3], cell[4])
    assert sheet.freeze_panes is not None and sheet.freeze_panes != "A1"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_pdf_carries_the_table(table):
    pdf = table_pdf(table)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    lines = text.splitlines()
    for label, cells in expected_rows(table):
        figures = []
        for line in lines:  # the table is printed in blocks of periods: gather the row from each block
            if line.strip().startswith(label + " ") and re.search(r"\d", line):
                figures += re.findall(r"[\d,]+%?|–", line[line.index(label) + len(label):])
        expected = [
            "–" if v is None else (f"{v}%" if j in (1, 2) else f"{v:,}") for cell in cells for j, v in enumerate(cell)
        ]
        assert figures == expected, label
    assert "Women and men reached per service" in text


def test_command_writes_each_format(table, tmp_path, capsys):
    call_command("beneficiary_table", "--from", "2024-01-01", "--to", "2024-12-31", "--by", "quarter", "--format", "csv", "--centre", "ndg")
    out = capsys.readouterr().out
    assert "Training,2000,60,40,0,0" in out
    for fmt in ("xlsx", "pdf"):
        target = tmp_path / f"table.{fmt}"
        call_command("beneficiary_table", "--from", "2024-01-01", "--to", "2024-12-31", "--format", fmt, "--output", str(target))
        assert target.read_bytes()[:4] in (b"PK\x03\x04", b"%PDF")


def test_command_refuses_unknown_centre_and_bad_dates(centre):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown centre code"):
        call_command("beneficiary_table", "--from", "2024-01-01", "--to", "2024-12-31", "--centre", "XXX")
    with pytest.raises(CommandError, match="before"):
        call_command("beneficiary_table", "--from", "2024-12-31", "--to", "2024-01-01")
