"""The one reader both imports use: quotes as Excel writes them, junk and huge cells as one row's problem."""
import io

import pytest
from openpyxl import Workbook

from helpdesk.spreadsheets import MAX_CELL_LENGTH, SpreadsheetError, column_letter, read_table


def csv_rows(text: str):
    return read_table(text.encode(), "list.csv")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_doubled_quote_is_one_quote_and_keeps_the_columns(delimiter):
    d = delimiter
    rows = csv_rows(f'name{d}city{d}phone\n"He said ""hi""{d} Co."{d}Yangon{d}09 450 123 456\n')
    assert rows[1] == ['He said "hi", Co.'.replace(",", d), "Yangon", "09 450 123 456"]


def test_the_header_decides_the_delimiter_even_with_quoted_commas_in_it():
    rows = csv_rows('"Name, English";Town\n"Ko ""Lucky"" Aung, Ltd.";Myawaddy\n')
    assert rows == [["Name, English", "Town"], ['Ko "Lucky" Aung, Ltd.', "Myawaddy"]]


def test_a_cell_with_a_line_break_and_excel_bom():
    rows = read_table('\ufeffname,notes\nMa Hla,"first line\nsecond line"\n'.encode(), "x.csv")
    assert rows[0] == ["name", "notes"] and rows[1] == ["Ma Hla", "first line\nsecond line"]


@pytest.mark.parametrize("junk", ["\x00", "\x1b", "\x07", "\x7f", "\x85"])
def test_control_characters_make_a_row_problem_naming_the_column_not_the_cell(junk):
    rows = csv_rows(f"a,b,c\nok,fine,good\nok,Ma{junk}Hla,good\n")
    assert rows[1].problem == ""
    assert rows[2].problem and "column B" in rows[2].problem and "Ma" not in rows[2].problem
    assert rows[2] == ["ok", "MaHla", "good"]  # cleaned, so nothing downstream ever sees the junk


def test_an_over_long_cell_is_capped_and_not_echoed():
    secret = "Daw Khin Secret " * 20_000  # 320,000 characters: more than the csv module's own field limit
    rows = csv_rows(f'a,b\n"{secret}",x\nnext,row\n')
    assert len(rows[1][0]) == MAX_CELL_LENGTH and "column A" in rows[1].problem and "Secret" not in rows[1].problem
    assert rows[2] == ["next", "row"] and rows[2].problem == ""  # the rows after it are read as usual


def test_xlsx_rows_are_checked_the_same_way():
    book = Workbook()
    sheet = book.active
    sheet.append(["licence_number", "name_en"])
    sheet.append(["1/2020", "x" * (MAX_CELL_LENGTH + 1)])
    out = io.BytesIO()
    book.save(out)
    rows = read_table(out.getvalue(), "list.xlsx")
    assert "column B" in rows[1].problem and len(rows[1][1]) == MAX_CELL_LENGTH


def test_files_that_cannot_be_read_at_all():
    with pytest.raises(SpreadsheetError, match="UTF-8"):
        read_table("name\nMa Hla\n".encode("utf-16"), "x.csv")
    with pytest.raises(SpreadsheetError, match=".csv or .xlsx"):
        read_table(b"x", "x.pdf")


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == ["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]
