"""An admin checks a legacy spreadsheet, sees the bad row named, imports it; an officer follows the report to complaint outcomes."""
import pytest
from django.utils import timezone

from helpdesk.models import Contact
from tests.factories import CentreFactory, ComplaintFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

LEGACY = (
    "date,centre,service,gender,count,person_ref,name,consent\n"
    "2023-01-05,NDG,helpline,အမျိုးသမီး,3,,,\n"
    "2023-01-06,NDG,drop_in,man,,NDG-7,Ko Aung,yes\n"
    "2023-01-07,NDG,drop_in,robot,,,\n"
)


def test_admin_checks_then_imports_a_legacy_file(live_server, login, tmp_path):
    CentreFactory(code="NDG", name="CTUM North Dagon")
    member("admin", CentreFactory(code="HQ"), username="boss")
    path = tmp_path / "legacy-2023.csv"
    path.write_text(LEGACY, encoding="utf-8")
    page = login("boss")
    page.goto(f"{live_server.url}/reports/")
    page.click("text=Import legacy spreadsheet")

    page.set_input_files("#id_file", str(path))
    assert page.is_checked("#id_dry_run")  # checking first is the default
    page.click("button:has-text('Import')")
    page.wait_for_selector("#import-result")
    result = page.locator("#import-result").inner_text()
    assert "Check only: nothing was saved" in result and "2 rows imported" in result
    assert "gender:" in page.locator("#import-result tbody tr").inner_text() and "4 contacts, 1 new people" in result
    assert not Contact.objects.exists()

    page.set_input_files("#id_file", str(path))
    page.uncheck("#id_dry_run")
    page.click("button:has-text('Import')")
    page.wait_for_selector("#import-result >> text=Imported")
    assert Contact.objects.count() == 4


def test_officer_opens_complaint_outcomes_from_the_report(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    ComplaintFactory(centre=centre, complainant=PersonFactory(centre=centre, name="Ma Hla Hla"), stage="intake")
    member("officer", centre, username="ilo")
    page = login("ilo")
    year = timezone.localdate().year
    page.goto(f"{live_server.url}/reports/?start={year}-01-01&end={year}-12-31&by=year")
    page.click("text=All complaint outcomes")
    page.wait_for_selector("#complaint-outcomes")
    total = page.locator("#complaint-outcomes tr.total").inner_text().split()
    assert total[1] == "1"  # one case opened this year
    assert "Ma Hla Hla" not in page.content()
