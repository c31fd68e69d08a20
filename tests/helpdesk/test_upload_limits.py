"""Upload limits: a file over UPLOAD_MAX_BYTES is refused from its declared size, before its body is read;
a workbook too big inside (one huge cell, too many rows or columns) is refused before openpyxl unpacks it."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from agencies.models import Agency
from helpdesk.spreadsheets import MAX_CELL_LENGTH, SpreadsheetError, read_table, shown_value, xlsx_check

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def workbook(rows, extra=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if extra:
        extra(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("url", "field"), [("agencies:agency_import", "file"), ("helpdesk:import_contacts", "file")])
def test_a_file_over_the_limit_is_refused_before_it_is_read(client, admin_user, settings, url, field):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    client.force_login(admin_user)
    big = SimpleUploadedFile("list.csv", b"licence_number,name_en\n" + b"1/2020,Big Agency\n" * 100_000)  # 1.7 MB
    response = client.post(reverse(url), {field: big, "dry_run": ""})
    assert response.status_code == 413
    page = response.content.decode()
    assert "1.7 MB" in page and "1 MB" in page and "command line" in page
    assert not hasattr(response.wsgi_request, "_post")  # the body was never parsed
    assert not Agency.objects.exists()


def test_the_refusal_speaks_burmese(client, admin_user, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    client.force_login(admin_user)
    big = SimpleUploadedFile("list.csv", b"x" * (2 * MB))
    response = client.post(reverse("agencies:agency_import"), {"file": big}, HTTP_ACCEPT_LANGUAGE="my")
    assert response.status_code == 413 and "MB" in response.content.decode()
    assert "ဖိုင်" in response.content.decode()


def test_a_file_under_the_limit_goes_through(client, admin_user, settings):
    settings.UPLOAD_MAX_BYTES = 1 * MB
    client.force_login(admin_user)
    upload = SimpleUploadedFile("list.csv", b"licence_number,name_en\n1/2020,Small Agency\n")
    assert client.post(reverse("agencies:agency_import"), {"file": upload}).status_code == 200
    assert Agency.objects.get().name_en == "Small Agency"


def with_huge_cell(size: int, shared: bool) -> bytes:
    """A real workbook whose one text cell is ``size`` bytes (openpyxl itself cuts cells at Excel's 32,767).

    openpyxl writes text inline in the sheet; Excel writes it to sharedStrings.xml: both are made.
    """
    small = zipfile.ZipFile(io.BytesIO(workbook([["licence_number", "name_en"], ["1/2020", "PLACEHOLDER"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in small.infolist():
            data = small.read(part.filename)
            if part.filename == "xl/worksheets/sheet1.xml":
                cell = b'<c r="B2" t="inlineStr"><is><t>PLACEHOLDER</t></is></c>'
                data = data.replace(cell, b'<c r="B2" t="s"><v>0</v></c>' if shared else cell.replace(b"PLACEHOLDER", b"A" * size))
            elif part.filename == "[Content_Types].xml" and shared:
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            archive.writestr(part.filename, data)
        if shared:
            archive.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + b"A" * size + b"</t></si></sst>")
    return out.getvalue()


@pytest.mark.parametrize(("shared", "size", "message"), [
    (True, 60 * MB, "text cells hold 60.0 MB, more than the 50.0 MB"),  # refused from the zip directory alone
    (True, 5 * MB, "One cell holds 5.0 MB of text"),
    (False, 5 * MB, "One cell holds 5.0 MB of text"),  # inline in the sheet, as openpyxl writes
])
def test_one_huge_cell_is_refused_with_a_short_message(client, admin_user, shared, size, message):
    """The audit's file: a small XLSX whose one cell unpacks to far more text than any real cell."""
    content = with_huge_cell(size, shared)
    assert len(content) < 1 * MB
    client.force_login(admin_user)
    response = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("list.xlsx", content)})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert len(page) < 100_000 and "AAAAAAAAAA" not in page
    assert not Agency.objects.exists()


def test_a_long_but_real_cell_is_read_and_its_row_refused():
    """A full Excel cell passes the file checks; the reader then caps it and refuses that row only."""
    content = with_huge_cell(32_767, shared=True)
    row = read_table(content, "list.xlsx")[1]
    assert row == ["1/2020", "A" * MAX_CELL_LENGTH]
    assert "column B is longer than 2,000 characters" in row.problem and "AAAA" not in row.problem


def test_too_many_rows_are_refused_from_the_declared_dimension(settings):
    settings.XLSX_MAX_ROWS = 100
    content = workbook([["licence_number"]] + [[f"{i}/2020"] for i in range(150)])
    with pytest.raises(SpreadsheetError, match="151 rows; the helpdesk reads at most 100"):
        read_table(content, "list.xlsx")


def test_too_many_columns_are_refused(settings):
    settings.XLSX_MAX_COLUMNS = 50
    content = workbook([["licence_number"], ["1/2020"]], extra=lambda sheet: sheet.cell(row=1, column=16384, value="x"))
    with pytest.raises(SpreadsheetError, match="16,384 columns wide"):
        read_table(content, "list.xlsx")


def test_a_zip_declaring_a_huge_part_is_refused_without_unpacking(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 5 * MB
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (6 * MB) + b"</worksheet>")
    with pytest.raises(SpreadsheetError, match="unpacks to 6.0 MB"):
        xlsx_check(out.getvalue())


def test_not_a_workbook_says_so():
    with pytest.raises(SpreadsheetError, match="damaged or not an Excel workbook"):
        xlsx_check(b"PK\x03\x04 not really a zip")


def test_an_ordinary_workbook_passes():
    xlsx_check(workbook([["licence_number", "name_en"], ["1/2020", "ရွှေမြန်မာ"]]))


def test_errors_quote_at_most_a_short_excerpt_of_a_cell(client, admin_user):
    huge = "licensed-" + "x" * 1_500  # under the reader's cell cap: the status error quotes it, shortened
    content = f"licence_number,name_en,status\n1/2020,Golden,{huge}\n".encode()
    client.force_login(admin_user)
    response = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("list.csv", content)})
    page = response.content.decode()
    assert response.status_code == 200 and "Unknown status" in page and "xxxx…" in page and "x" * 100 not in page
    assert len(page) < 50_000
    assert shown_value("y" * 100) == "y" * 59 + "…" and shown_value("ok") == "ok"


def test_a_cell_over_the_reader_cap_is_a_row_error_that_does_not_echo_it(client, admin_user):
    content = f"licence_number,name_en,status\n1/2020,Golden,{'licensed-' + 'x' * 100_000}\n".encode()
    client.force_login(admin_user)
    page = client.post(reverse("agencies:agency_import"), {"file": SimpleUploadedFile("list.csv", content)}).content.decode()
    assert "column C is longer than 2,000 characters" in page and "xxxxxxxxxx" not in page
    assert len(page) < 50_000
