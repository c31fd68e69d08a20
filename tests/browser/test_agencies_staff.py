"""Staff pick the agency checked while logging a contact; an admin imports the list; staff browse the register."""
from pathlib import Path

import pytest

from agencies.models import Agency, AgencyCheck
from tests.factories import AgencyFactory, CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLE = Path(__file__).resolve().parents[2] / "agencies" / "fixtures" / "agencies_sample.csv"


def test_staff_log_an_agency_check_by_picking_among_matches(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    AgencyFactory(licence_number="14/2016", name_en="Golden Star Manpower Co., Ltd.")
    wanted = AgencyFactory(licence_number="15/2016", name_en="Golden Stars Manpower Co., Ltd.", status="suspended")
    page = login("moe")

    page.click("text=Log contact")
    page.select_option("#id_p-gender", "man")
    page.select_option("#id_service", "helpline")
    page.select_option("#id_channel", "phone")
    page.check("text=Agency licence check")
    page.fill("#id_agency-query", "golden star")
    page.click("text=Save contact")

    # Two agencies look alike: the page comes back asking which one, nothing saved yet.
    page.wait_for_selector(".agency-choices")
    assert AgencyCheck.objects.count() == 0
    page.check("label:has-text('Golden Stars Manpower') >> xpath=preceding-sibling::input")
    page.click("text=Save contact")
    page.wait_for_selector("text=Contact logged.")
    check = AgencyCheck.objects.get()
    assert (check.agency, check.status_at_check, check.licensed) == (wanted, "suspended", False)

    page.click("nav >> text=Agencies")
    page.fill("#id_q", "15/2016")
    page.click("button:has-text('Search')")
    page.click("text=Golden Stars Manpower Co., Ltd.")
    page.wait_for_selector("[data-testid=licence-history]")
    assert "Suspended" in page.locator("main").inner_text()


def test_admin_imports_the_sample_list_with_a_dry_run_first(live_server, login):
    member("admin", CentreFactory(code="NDG"), username="boss")
    page = login("boss")
    page.goto(f"{live_server.url}/agencies/import/")
    page.set_input_files("#id_file", str(SAMPLE))
    assert page.is_checked("#id_dry_run")
    page.click("button:has-text('Import')")
    report = page.locator("[data-testid=import-report]")
    report.wait_for()
    assert "30 new" in report.inner_text() and "Dry run" in report.inner_text()
    assert Agency.objects.count() == 0

    page.set_input_files("#id_file", str(SAMPLE))
    page.uncheck("#id_dry_run")
    page.click("button:has-text('Import')")
    page.wait_for_selector("text=Import report")
    assert Agency.objects.count() == 30
    page.goto(f"{live_server.url}/agencies/?status=revoked")
    assert page.locator("tbody tr").count() == Agency.objects.filter(status="revoked").count()
