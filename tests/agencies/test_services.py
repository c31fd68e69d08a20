"""Importing the Ministry's list: idempotent, updates with history, row errors reported, nothing deleted."""
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from agencies.imports import DUPLICATE_IN_FILE
from agencies.models import Agency, AgencyCheck, LicenceStatus
from agencies.services import agency_check_record, agency_import
from tests.factories import AgencyFactory, ContactFactory

pytestmark = pytest.mark.django_db

HEADER = "licence_number,name_en,name_my,address,phones,destination_countries,status,issue_date,expiry_date\n"
ROWS = (
    "123/2019,Golden Star Overseas Employment Agency Co.,ရွှေကြယ်,\"No. 1, Pyay Road, Yangon\",09 450 123 456,\"TH,MY\",licensed,2019-01-15,2028-01-14\n"
    "45/2018,Shwe Myanmar Manpower,ရွှေမြန်မာ,Mandalay,02 453 901,MY,suspended,2018-05-30,2027-05-29\n"
)


def run(text: str, *, user=None, dry_run=False, filename="list.csv", **kwargs):
    return agency_import(content=text.encode(), filename=filename, user=user, dry_run=dry_run, **kwargs)


def test_import_creates_agencies_with_history(admin_user):
    report = run(HEADER + ROWS, user=admin_user)
    assert (len(report.created), len(report.updated), report.unchanged, report.errors) == (2, 0, 0, [])
    golden = Agency.objects.get(licence_number="123/2019")
    assert golden.name_my == "ရွှေကြယ်" and golden.destination_countries == "TH,MY"
    assert golden.expiry_date == date(2028, 1, 14) and golden.address == "No. 1, Pyay Road, Yangon"
    record = golden.history.get()
    assert record.history_type == "+" and record.history_user == admin_user
    assert record.history_change_reason == "import list.csv"


def test_importing_the_same_file_twice_changes_nothing(admin_user):
    run(HEADER + ROWS, user=admin_user)
    history_before = Agency.history.count()
    report = run(HEADER + ROWS, user=admin_user)
    assert (report.created, report.updated, report.unchanged) == ([], [], 2)
    assert not report.changed
    assert Agency.history.count() == history_before


def test_newer_list_updates_by_number_and_records_each_change(admin_user):
    run(HEADER + ROWS, user=admin_user)
    newer = HEADER + ROWS.replace("45/2018,Shwe Myanmar Manpower,ရွှေမြန်မာ,Mandalay,02 453 901,MY,suspended",
                                   "No. ၄၅/၂၀၁၈,Shwe Myanmar Manpower,ရွှေမြန်မာ,Mandalay,02 453 901,MY,revoked")
    report = run(newer, user=admin_user, filename="list-2026.xlsx.csv")
    assert [c.licence_number for c in report.updated] == ["45/2018"]
    assert report.updated[0].changes == {"status": ("suspended", "revoked")}
    shwe = Agency.objects.get(licence_number="45/2018")
    assert shwe.status == LicenceStatus.REVOKED
    latest = shwe.history.first()
    assert latest.status == "revoked" and latest.history_user == admin_user and latest.history_type == "~"
    assert latest.prev_record.status == "suspended"
    assert Agency.objects.count() == 2


def test_agencies_missing_from_a_newer_list_are_reported_not_deleted():
    run(HEADER + ROWS)
    report = run(HEADER + ROWS.splitlines(keepends=True)[0])
    assert [a.licence_number for a in report.missing] == ["45/2018"]
    assert Agency.objects.filter(licence_number="45/2018").exists()


def test_row_errors_name_the_row_and_reason_and_keep_the_valid_rows():
    text = HEADER + ROWS + (
        ",Nameless Number Agency,,,,,licensed,2019-01-01,2029-01-01\n"  # row 4: no licence number
        "88/2020,Bad Date Agency,,,,,licensed,2020-02-30,2029-01-01\n"  # row 5: 30 February
        "No. 123/2019,Golden Star again,,,,,licensed,,\n"  # row 6: same number as row 2
        "89/2020,Odd Status Agency,,,,,pending,,\n"  # row 7
        "90/2020,,,,,,licensed,,\n"  # row 8: no name
        "91/2020,Early Expiry,,,,,licensed,2020-05-01,2020-04-01\n"  # row 9
        "92/2020,Atlantis Agency,,,,Atlantis,licensed,,\n"  # row 10
    )
    report = run(text)
    errors = {error.row: error.message for error in report.errors}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 10]
    assert "licence number" in errors[4]
    assert errors[5].startswith("issue date")
    assert errors[6] == str(DUPLICATE_IN_FILE % {"number": "123/2019", "row": 2})
    assert "pending" in errors[7]
    assert "name" in errors[8]
    assert "expiry date" in errors[9]
    assert "Atlantis" in errors[10]
    assert set(Agency.objects.values_list("licence_number", flat=True)) == {"123/2019", "45/2018"}
    assert Agency.objects.get(licence_number="123/2019").name_en == "Golden Star Overseas Employment Agency Co."


def test_dry_run_reports_the_changes_and_saves_nothing():
    report = run(HEADER + ROWS, dry_run=True)
    assert len(report.created) == 2 and report.dry_run
    assert Agency.objects.count() == 0 and Agency.history.count() == 0


def test_zawgyi_names_dates_and_statuses_in_other_forms_are_read():
    text = (
        "License No.,Name,Name (Burmese),Status,Expiry Date,Country\n"
        "၁၂၃/၂၀၁၉,Golden Star,ေရႊၾကယ္,ဆိုင်းငံ့,14/01/2028,\"Thailand, မလေးရှား\"\n"
    )
    report = run(text)
    assert report.errors == []
    agency = Agency.objects.get()
    assert agency.licence_number == "123/2019" and agency.name_my == "ရွှေကြယ်"
    assert agency.status == LicenceStatus.SUSPENDED and agency.expiry_date == date(2028, 1, 14)
    assert agency.destination_countries == "TH,MY"


def test_expired_in_the_file_means_licensed_past_its_date():
    past = (timezone.localdate() - timedelta(days=5)).isoformat()
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    report = run(HEADER + f"7/2015,Old Agency,,,,,expired,2015-01-01,{past}\n8/2015,Odd Agency,,,,,expired,2015-01-01,{future}\n")
    assert [e.row for e in report.errors] == [3]
    agency = Agency.objects.get()
    assert agency.status == LicenceStatus.LICENSED and agency.effective_status == LicenceStatus.EXPIRED


def test_a_list_without_some_columns_does_not_erase_them():
    run(HEADER + ROWS)
    report = run("licence_number,status\n123/2019,revoked\n45/2018,suspended\n")
    assert [c.changes for c in report.updated] == [{"status": ("licensed", "revoked")}]
    golden = Agency.objects.get(licence_number="123/2019")
    assert golden.address == "No. 1, Pyay Road, Yangon" and golden.status == LicenceStatus.REVOKED


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_real_date_cells_imports_like_csv():
    content = xlsx_bytes([
        ["Licence No", "Name (English)", "Name (Burmese)", "Status", "Issue date", "Expiry date"],
        ["123/2019", "Golden Star", "ရွှေကြယ်", "licensed", date(2019, 1, 15), date(2028, 1, 14)],
        [124, "Number As Integer", "", "revoked", None, None],
        ["125/2019", "Bad Date", "", "licensed", "soon", None],
    ])
    report = agency_import(content=content, filename="list.xlsx", user=None)
    assert [e.row for e in report.errors] == [4]
    assert Agency.objects.get(licence_number="123/2019").expiry_date == date(2028, 1, 14)
    assert Agency.objects.get(licence_number="124").status == LicenceStatus.REVOKED
    again = agency_import(content=content, filename="list.xlsx", user=None)
    assert again.unchanged == 2 and not again.changed


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"x", "list.pdf", "Upload a .csv or .xlsx"),
        (b"not a zip", "list.xlsx", "could not be read as XLSX"),
        (b"\xff\xfe\x00bad", "list.csv", "could not be read as CSV"),
        (b"name,address\nGolden,Yangon\n", "list.csv", "No licence number column"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content, filename, message):
    report = agency_import(content=content, filename=filename, user=None)
    assert message in report.file_error
    assert Agency.objects.count() == 0


def test_progress_is_reported_on_large_files():
    rows = "".join(f"{n}/2020,Agency {n},,,,,licensed,,\n" for n in range(1, 1201))
    calls = []
    report = run(HEADER + rows, progress=lambda done, total: calls.append((done, total)))
    assert len(report.created) == 1200 and Agency.objects.count() == 1200
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert Agency.history.count() == 1200


def test_agency_check_snapshots_the_status_at_check_time(staff):
    agency = AgencyFactory(status=LicenceStatus.SUSPENDED)
    contact = ContactFactory()
    check = agency_check_record(contact=contact, query="Golden", agency=agency, user=staff)
    assert (check.status_at_check, check.licensed) == ("suspended", False)
    agency.status = LicenceStatus.LICENSED
    agency.save()
    check.refresh_from_db()
    assert check.status_at_check == "suspended"
    assert check.history.get().history_user == staff


def test_agency_check_without_agency_records_an_unlicensed_agency():
    check = agency_check_record(contact=ContactFactory(), query="Fly-by-night Co", agency=None)
    assert (check.agency, check.status_at_check, check.licensed) == (None, "", False)
    assert AgencyCheck.objects.get().query == "Fly-by-night Co"


def test_a_status_only_list_cannot_create_nameless_agencies():
    run(HEADER + ROWS)
    report = run("licence_number,status\n123/2019,licensed\n999/2024,licensed\n")
    assert [(e.row, e.licence_number) for e in report.errors] == [(3, "999/2024")]
    assert "name" in report.errors[0].message
    assert not Agency.objects.filter(licence_number="999/2024").exists()


def test_an_update_that_breaks_the_record_is_a_row_error_and_changes_nothing():
    run(HEADER + ROWS)  # 123/2019 issued 2019-01-15
    report = run("licence_number,expiry_date,status\n123/2019,2018-12-31,revoked\n45/2018,2027-05-29,revoked\n")
    assert [(e.row, e.licence_number) for e in report.errors] == [(2, "123/2019")]
    assert "expiry date is before the issue date" in report.errors[0].message
    golden = Agency.objects.get(licence_number="123/2019")
    assert golden.status == LicenceStatus.LICENSED and golden.expiry_date == date(2028, 1, 14)
    assert Agency.objects.get(licence_number="45/2018").status == LicenceStatus.REVOKED


def test_title_lines_above_the_header_and_a_serial_number_column_are_understood():
    text = (
        "Licensed overseas employment agencies,,\n"
        "As of 1 November 2026,,\n"
        "No.,Licence No.,Agency Name,Status\n"
        "1,123/2019,Golden Star,licensed\n"
        "2,45/2018,Shwe Myanmar,\n"
        "3,,Nameless,licensed\n"
    )
    report = run(text)
    assert sorted(Agency.objects.values_list("licence_number", flat=True)) == ["123/2019", "45/2018"]
    assert [e.row for e in report.errors] == [6]  # the row number a spreadsheet shows


def test_import_reads_doubled_quotes_and_refuses_rows_with_control_characters_or_huge_cells():
    text = HEADER + (
        '7/2020,"Lucky ""Star"" Overseas, Co., Ltd.",,Yangon,,TH,licensed,,\n'
        "8/2020,Shwe\x00 Agency,,Yangon,,TH,licensed,,\n"
        f"9/2020,Golden Agency,,{'Secret Street ' * 500},,TH,licensed,,\n"
    )
    report = run(text)
    assert [c.licence_number for c in report.created] == ["7/2020"]
    lucky = Agency.objects.get()
    assert (lucky.name_en, lucky.address, lucky.destination_countries) == ('Lucky "Star" Overseas, Co., Ltd.', "Yangon", "TH")
    errors = {e.row: e for e in report.errors}
    assert sorted(errors) == [3, 4] and errors[3].licence_number == "8/2020" and "column B" in errors[3].message
    assert "column D" in errors[4].message and "Secret" not in errors[4].message
    assert [a.licence_number for a in report.missing] == []


def test_a_burmese_name_ambiguous_alone_follows_the_encoding_the_list_proves():
    """A Ministry list typed in Zawgyi: အာရွ (Zawgyi for အာရှ, Asia) is also valid Unicode on its own."""
    run("licence_number,name_en,name_my\n1/2020,Golden Star,ေရႊၾကယ္\n2/2020,Asia Link,အာရွ\n"
        "3/2020,Shwe Myanmar,ေရႊျမန္မာ\n4/2020,Aung Myin,ေအာင္ျမင္\n")
    assert dict(Agency.objects.values_list("licence_number", "name_my")) == {
        "1/2020": "ရွှေကြယ်", "2/2020": "အာရှ", "3/2020": "ရွှေမြန်မာ", "4/2020": "အောင်မြင်"}


def test_a_unicode_list_keeps_its_burmese_names():
    run("licence_number,name_en,name_my\n1/2020,Aung Myin,အောင်မြင်\n2/2020,Asia Link,အာရှ\n3/2020,Mya Mya,မြမြ\n")
    assert sorted(Agency.objects.values_list("name_my", flat=True)) == ["မြမြ", "အာရှ", "အောင်မြင်"]
