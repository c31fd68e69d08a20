"""Complaint outcomes: counts per period, stage, grievance, gender, centre and agency; MMK claimed and recovered.

The same blocks download as CSV, XLSX (read back with openpyxl) and PDF (read with pdftotext): same numbers.
"""
import csv
import io
import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from complaints.reports import complaint_outcomes, outcomes_document
from helpdesk.reports.documents import COUNT, MMK, SHARE, TEXT, document_csv, document_pdf, document_xlsx
from helpdesk.reports.exports import MMK_FORMAT
from helpdesk.reports.table import BY_QUARTER, ReportFilter
from tests.factories import AgencyFactory, ComplaintFactory, PersonFactory, ReimbursementFactory, member

pytestmark = pytest.mark.django_db
YANGON = ZoneInfo("Asia/Yangon")
RANGE = {"start": "2024-01-01", "end": "2024-06-30", "by": "quarter"}


def at(*args):
    return datetime(*args, tzinfo=YANGON)


@pytest.fixture
def cases(centre, other_centre):
    golden = AgencyFactory(licence_number="101/2019", name_en="Golden Land")
    ma = PersonFactory(centre=centre, gender="woman", name="Ma Hla")
    ko = PersonFactory(centre=centre, gender="man", name="Ko Zaw")
    # opened 1 Jan 2024 00:10 in Yangon = 31 Dec 2023 in UTC: counts in 2024 Q1
    paid = ComplaintFactory(centre=centre, complainant=ma, agency=golden, opened_at=at(2024, 1, 1, 0, 10),
                            stage="resolved", outcome="reimbursed", closed_at=at(2024, 5, 2, 9), amount_claimed=Decimal("1500000.00"),
                            grievances=["overcharged_fees", "documents_withheld"])
    ComplaintFactory(centre=centre, complainant=ko, agency=golden, opened_at=at(2024, 2, 3, 10), stage="negotiation",
                     amount_claimed=Decimal("800000.50"), sensitive=True, grievances=["underpaid_wages"])
    ComplaintFactory(centre=centre, complainant=ko, opened_at=at(2024, 4, 3, 10), stage="closed_unresolved",
                     closed_at=at(2024, 6, 30, 23, 50), amount_claimed=None)
    ComplaintFactory(centre=centre, complainant=ma, opened_at=at(2023, 12, 31, 23, 0), stage="intake")  # before the range
    ComplaintFactory(centre=other_centre, opened_at=at(2024, 2, 1, 10), stage="intake")  # another centre
    ReimbursementFactory(complaint=paid, amount_mmk=Decimal("1000000.00"), date=date(2024, 3, 1))
    ReimbursementFactory(complaint=paid, amount_mmk=Decimal("500000.25"), date=date(2024, 5, 1))
    return paid


def test_outcomes_per_period_and_breakdowns(centre, cases):
    result = complaint_outcomes(ReportFilter(start=date(2024, 1, 1), end=date(2024, 6, 30), by=BY_QUARTER, centre_ids=(centre.pk,)))
    q1, q2 = result.by_period
    assert (q1.opened, q1.resolved, q1.claimed, q1.recovered) == (2, 0, Decimal("2300000.50"), Decimal("1000000.00"))
    assert (q2.opened, q2.resolved, q2.closed_unresolved, q2.recovered) == (1, 1, 1, Decimal("500000.25"))
    assert result.total.opened == 3 and result.total.recovered == Decimal("1500000.25")
    assert isinstance(result.total.claimed, Decimal)
    assert dict((code, n) for code, _label, n in result.open_by_stage)["negotiation"] == 1
    grievances = {code: n for code, _label, n in result.by_grievance}
    assert grievances["overcharged_fees"] == 2 and grievances["documents_withheld"] == 1 and grievances["underpaid_wages"] == 1
    assert {code: n for code, _label, n in result.by_gender} == {"woman": 1, "man": 2, "other": 0, "undisclosed": 0}
    assert result.by_centre == [{"code": "NDG", "name": centre.name, "name_my": "", "opened": 3, "claimed": Decimal("2300000.50"),
                                 "recovered": Decimal("1500000.25")}]
    assert result.top_agencies == [{"licence_number": "101/2019", "name": "Golden Land", "name_my": "", "complaints": 2}]


def test_outcomes_page_for_officers_has_numbers_and_no_names(client, centre, cases):
    client.force_login(member("officer", centre))
    for url in (reverse("complaints:outcomes"), reverse("complaints:outcomes_csv"), reverse("helpdesk:reports")):
        response = client.get(url, RANGE)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert "Ma Hla" not in body and "Ko Zaw" not in body, url
    page = client.get(reverse("complaints:outcomes"), RANGE).content.decode()
    assert "1,500,000" in page and "Golden Land" in page
    report_page = client.get(reverse("helpdesk:reports"), RANGE).content.decode()
    assert 'id="complaint-outcomes-section"' in report_page


def test_staff_and_strangers_get_no_outcomes(client, centre, cases):
    client.force_login(member("staff", centre))
    assert client.get(reverse("complaints:outcomes"), RANGE).status_code == 403
    client.logout()
    assert client.get(reverse("complaints:outcomes_csv"), RANGE).status_code == 302


def test_manager_of_another_centre_sees_only_their_centre(client, other_centre, cases):
    client.force_login(member("manager", other_centre))
    result = client.get(reverse("complaints:outcomes"), RANGE).context["outcomes"]
    assert result.total.opened == 1 and result.total.recovered == 0


# The period x centre MMK table -------------------------------------------------------------------------

def quarters(**kwargs):
    return ReportFilter(start=date(2024, 1, 1), end=date(2024, 6, 30), by=BY_QUARTER, **kwargs)


@pytest.fixture
def two_centres(centre, other_centre, cases):
    far = ComplaintFactory(centre=other_centre, opened_at=at(2024, 5, 5, 9), amount_claimed=Decimal("0.10"))
    ReimbursementFactory(complaint=far, amount_mmk=Decimal("0.20"), date=date(2024, 6, 30))
    ReimbursementFactory(complaint=far, amount_mmk=Decimal("999.99"), date=date(2024, 7, 1))  # after the range
    return far


def test_mmk_per_centre_and_period_is_exact_and_adds_up(two_centres):
    result = complaint_outcomes(quarters())  # admins and the command line: every centre
    ndg, tcl = result.money
    assert (ndg.code, tcl.code) == ("NDG", "TCL")
    assert ndg.claimed == (Decimal("2300000.50"), Decimal("0.00")) and ndg.recovered == (Decimal("1000000.00"), Decimal("500000.25"))
    # TCL: the intake case of 1 Feb (1,500,000 by default) and the case of 5 May
    assert tcl.claimed == (Decimal("1500000.00"), Decimal("0.10")) and tcl.recovered == (Decimal("0.00"), Decimal("0.20"))
    total = result.money_total
    assert total.claimed == tuple(p.claimed for p in result.by_period) == (Decimal("3800000.50"), Decimal("0.10"))
    assert total.total_recovered == result.total.recovered == Decimal("1500000.45")
    assert all(isinstance(v, Decimal) for row in result.money for v in (*row.claimed, *row.recovered))
    assert [(c["code"], c["claimed"], c["recovered"]) for c in result.by_centre] == [
        ("NDG", Decimal("2300000.50"), Decimal("1500000.25")), ("TCL", Decimal("1500000.10"), Decimal("0.20"))]


def test_sensitive_cases_are_counted_never_described(centre, cases):
    ComplaintFactory(centre=centre, opened_at=at(2024, 3, 3, 9), sensitive=True, employer="Secret Farm",
                     description="what happened to her", grievances=["sexual_abuse"])
    result = complaint_outcomes(quarters(centre_ids=(centre.pk,)))
    assert result.total.opened == 4
    document = outcomes_document(result, quarters(centre_ids=(centre.pk,)))
    for body in (document_csv(document), document_xlsx(document), document_pdf(document)):
        assert b"Secret Farm" not in body and b"what happened" not in body and b"Ma Hla" not in body


# One document, three formats ----------------------------------------------------------------------------

def expected_blocks(document):
    """{block title: [(row label, [figure, ...])]}: counts as int, MMK as Decimal, shares as whole percent; text left out."""
    def figure(value, kind):
        if value is None:
            return None
        return round(value * 100) if kind == SHARE else value

    return {
        block.title: [(str(row[0]), [figure(v, c.kind) for v, c in zip(row[1:], block.columns[1:], strict=True) if c.kind != TEXT])
                      for row in block.rows]
        for block in document.blocks
    }


@pytest.fixture
def document(two_centres):
    report = quarters()
    return outcomes_document(complaint_outcomes(report), report)


def test_document_has_every_block(document):
    blocks = expected_blocks(document)
    assert list(blocks) == ["Cases and MMK per period", "MMK claimed and recovered per centre and period", "Still open, by stage",
                            "By grievance", "By gender of the complainant", "Workers covered, by gender", "By centre",
                            "Agencies with the most complaints"]
    assert blocks["Cases and MMK per period"][-1] == ("Total", [5, 1, 1, 0, Decimal("3800000.60"), Decimal("1500000.45")])
    assert blocks["MMK claimed and recovered per centre and period"][0] == ("NDG · CTUM North Dagon", [
        Decimal("2300000.50"), Decimal("1000000.00"), Decimal("0.00"), Decimal("500000.25"),
        Decimal("2300000.50"), Decimal("1500000.25")])
    assert dict(blocks["By gender of the complainant"])["Man"] == [2, 40]  # Ko Zaw's two cases of five


def rows_after(rows, title, block):
    """The body rows of a block in a CSV or sheet laid out as title, header row(s), rows."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == title) + (3 if block.groups else 2)
    return rows[start:start + len(block.rows)]


def test_csv_carries_the_document(document):
    rows = list(csv.reader(io.StringIO(document_csv(document).decode("utf-8-sig"))))
    assert rows[0] == ["Complaint outcomes"]
    for block in document.blocks:
        expected = expected_blocks(document)[block.title]
        got = rows_after(rows, block.title, block)
        for (label, figures), row in zip(expected, got, strict=True):
            values = [v for v, c in zip(row[1:], block.columns[1:], strict=True) if c.kind != TEXT]
            kinds = [c.kind for c in block.columns[1:] if c.kind != TEXT]
            parsed = [None if v == "" else Decimal(v) if k == MMK else int(v) for v, k in zip(values, kinds, strict=True)]
            assert (row[0], parsed) == (label, figures), block.title


def test_xlsx_carries_the_document_with_formats(document):
    sheet = load_workbook(io.BytesIO(document_xlsx(document))).active
    rows = [list(row) for row in sheet.iter_rows()]
    assert rows[0][0].value == "Complaint outcomes" and rows[0][0].font.bold
    formats = {COUNT: "#,##0", MMK: MMK_FORMAT, SHARE: "0%"}
    for block in document.blocks:
        titles = [[c.value for c in row] for row in rows]
        start = next(i for i, row in enumerate(titles) if row[0] == block.title) + (3 if block.groups else 2)
        assert all(cell.font.bold for cell in rows[start - 1][:len(block.columns)]), block.title  # the header row
        for (label, figures), row in zip(expected_blocks(document)[block.title], rows[start:start + len(block.rows)], strict=True):
            assert row[0].value == label
            cells = [cell for cell, c in zip(row[1:], block.columns[1:], strict=False) if c.kind != TEXT]
            kinds = [c.kind for c in block.columns[1:] if c.kind != TEXT]
            for cell, kind, expected in zip(cells, kinds, figures, strict=True):
                assert cell.number_format == formats[kind], (block.title, label)
                if kind == MMK:
                    assert not isinstance(expected, float) and Decimal(str(cell.value)) == expected, (block.title, label)
                elif kind == SHARE:
                    assert (None if cell.value is None else round(cell.value * 100)) == expected
                else:
                    assert cell.value == expected
    assert MMK_FORMAT == '#,##0 "MMK"'
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert len(merged) == 3  # 2024 Q1, 2024 Q2 and Total over claimed + recovered


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed: cannot read the PDF back")


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


@needs_poppler
def test_pdf_carries_the_document(document):
    text = pdf_text(document_pdf(document))
    titles = [block.title for block in document.blocks]
    assert text.startswith("Complaint outcomes") or "Complaint outcomes" in text.splitlines()[0]
    positions = [text.index(title) for title in titles] + [len(text)]
    for n, block in enumerate(document.blocks):
        lines = text[positions[n]:positions[n + 1]].splitlines()
        kinds = [c.kind for c in block.columns[1:] if c.kind != TEXT]
        for label, figures in expected_blocks(document)[block.title]:
            found = []
            for line in lines:  # a wide block is printed in pieces: gather the row from each
                if line.strip().startswith(label + " "):
                    found += re.findall(r"[\d,.]+%?|–", line[line.index(label) + len(label):])
            parsed = [
                None if v == "–" else int(v.rstrip("%")) if k == SHARE else Decimal(v.replace(",", "")) if k == MMK
                else int(v.replace(",", ""))
                for v, k in zip(found, kinds, strict=True)
            ]
            assert parsed == figures, (block.title, label, found)
    assert "2,300,000.50" in text and "1,500,000.45" in text


@needs_poppler
def test_burmese_pdf_is_shaped_in_padauk(client, two_centres):
    client.force_login(member("officer", two_centres.centre))
    response = client.get(reverse("complaints:outcomes_export", args=["pdf"]), RANGE, HTTP_ACCEPT_LANGUAGE="my")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"Padauk" in response.content
    text = pdf_text(response.content)
    assert "Complaint outcomes" not in text and "ရလဒ်" in text  # တိုင်ကြားချက် ရလဒ်များ
    # "Total" is စုစုပေါင်း: shaped, the vowel sign E is drawn (and extracted) before its consonant
    assert "ေပါင်း" in text and "ပေါင်း" not in text
    assert "1,500,000.10" in text and "0.20" in text  # the officer's centre, TCL: claimed and recovered


# Who gets which figures ---------------------------------------------------------------------------------

def export_urls():
    return [reverse("complaints:outcomes_export", args=[fmt]) for fmt in ("csv", "xlsx", "pdf")]


def readable(url: str, body: bytes) -> str:
    if url.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(body)).active
        return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.iter_rows(values_only=True))
    if url.endswith(".pdf"):
        return pdf_text(body) if shutil.which("pdftotext") else body.decode("latin-1")
    return body.decode("utf-8-sig")


@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_reporting_roles_download_every_format_without_names(client, centre, cases, role):
    client.force_login(member(role, centre))
    types = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf"}
    for url in export_urls():
        response = client.get(url, RANGE)
        assert response.status_code == 200, url
        assert response["Content-Type"] == types[url.rsplit(".", 1)[1]]
        assert "attachment" in response["Content-Disposition"]
        text = readable(url, response.content)
        assert "Ma Hla" not in text and "Ko Zaw" not in text, url
        assert "NDG" in text, url


def test_officer_of_another_centre_sees_none_of_this_centres_figures(client, centre, other_centre, two_centres):
    client.force_login(member("officer", other_centre))
    for url in export_urls():
        text = readable(url, client.get(url, RANGE).content)
        assert "TCL" in text, url
        for figure in ("NDG", "North Dagon", "2,300,000", "2300000", "1,000,000", "500,000.25", "500000.25", "Golden Land"):
            assert figure not in text, (url, figure)
    page = client.get(reverse("complaints:outcomes"), RANGE)
    assert [row.code for row in page.context["money_rows"]] == ["TCL", ""]
    for url in export_urls():  # asking for this centre by name is refused, not answered
        assert client.get(url, {**RANGE, "centres": [centre.pk]}).status_code == 400, url


def test_staff_and_strangers_get_no_downloads(client, centre, cases):
    client.force_login(member("staff", centre))
    for url in export_urls():
        assert client.get(url, RANGE).status_code == 403, url
    client.logout()
    for url in export_urls():
        response = client.get(url, RANGE)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_unknown_format_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("complaints:outcomes_export", args=["docx"]), RANGE).status_code == 404


def test_page_and_report_section_link_every_download(client, officer, cases):
    client.force_login(officer)
    for page in (reverse("complaints:outcomes"), reverse("helpdesk:reports")):
        html = client.get(page, RANGE).content.decode()
        for url in export_urls():
            assert f'href="{url}?' in html, (page, url)
    html = client.get(reverse("complaints:outcomes"), RANGE).content.decode()
    assert 'id="complaint-money"' in html and "MMK claimed and recovered per centre and period" in html


def add_cases(centre, n, agency):
    for i in range(n):
        case = ComplaintFactory(centre=centre, agency=agency if i % 2 else None, opened_at=at(2024, 1 + i % 6, 2, 10),
                                stage=("intake", "resolved", "negotiation")[i % 3], outcome="reimbursed" if i % 3 == 1 else "",
                                amount_claimed=Decimal("1000.05"),
                                closed_at=at(2024, 6, 1, 10) if i % 3 == 1 else None)
        if i % 4 == 0:
            ReimbursementFactory(complaint=case, amount_mmk=Decimal("10.01"), date=date(2024, 1 + i % 6, 20))


def test_queries_do_not_grow_with_cases(client, centre, other_centre):
    """The same number of queries for 10 and 200 cases, in the selector, the page and every download."""
    agency = AgencyFactory(licence_number="7/2020", name_en="Bright")
    client.force_login(member("admin", centre))
    urls = [reverse("complaints:outcomes"), *export_urls()]
    counts = []
    for n, where in ((10, centre), (190, other_centre)):
        add_cases(where, n, agency)
        with CaptureQueriesContext(connection) as selector:
            result = complaint_outcomes(quarters())
        pages = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url, RANGE).status_code == 200
            pages.append(len(queries))
        counts.append((len(selector), *pages))
    assert result.total.opened == 200 and result.money_total.total_claimed == Decimal("1000.05") * 200
    assert counts[0] == counts[1] and counts[0][0] <= 8, counts  # the workers by gender (4 more) only when read
    with CaptureQueriesContext(connection) as workers:
        assert sum(w.workers for w in result.workers) == 200
    assert len(workers) == 4
