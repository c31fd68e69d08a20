"""A project officer opens the beneficiary table, filters it, downloads it, and never sees a name."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.factories import ActivityFactory, CentreFactory, ContactFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_sees_table_and_downloads_it_without_names(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    other = CentreFactory(code="TCL", name="Mawk Kon Tachileik")
    ma = PersonFactory(centre=centre, name="Ma Hla Hla", gender="woman", phone="+959767889802")
    ContactFactory(centre=centre, person=ma, service="drop_in", date=date(2024, 2, 1))
    ContactFactory(centre=centre, person=None, gender="man", service="helpline", channel="phone", date=date(2024, 5, 1))
    ContactFactory(centre=other, person=PersonFactory(centre=other, name="Ko Zaw Zaw"), service="helpline", date=date(2024, 5, 1))
    ActivityFactory(centre=centre, kind="training", date=date(2024, 3, 3), women_count=4, men_count=1)
    member("officer", centre, username="ilo")
    page = login("ilo")

    page.click("nav >> text=Reports")
    page.fill("#id_start", "2024-01-01")
    page.fill("#id_end", "2024-12-31")
    page.select_option("#id_by", "year")
    page.click("button:has-text('Show')")
    page.wait_for_selector("#beneficiary-table")
    training = page.locator("#beneficiary-table tr[data-row=service]", has_text="Training").inner_text()
    assert "5" in training and "80%" in training
    total = page.locator("#beneficiary-table tr[data-row=total]").inner_text().split()
    assert total[1] == "7"  # 1 drop-in + 1 helpline + 5 trained at the officer's centre only
    html = page.content()
    for secret in ("Ma Hla Hla", "Ko Zaw Zaw", "767889802", "Mawk Kon"):
        assert secret not in html

    with page.expect_download() as download_info:
        page.click("a:has-text('XLSX')")
    path = download_info.value.path()
    sheet = load_workbook(io.BytesIO(open(path, "rb").read())).active
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "Training" in values and "Ma Hla Hla" not in " ".join(values)
    totals = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Total")
    assert totals[1] == 7

    with page.expect_download() as download_info:
        page.click("a:has-text('PDF')")
    assert open(download_info.value.path(), "rb").read(4) == b"%PDF"
