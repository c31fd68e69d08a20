"""A sensitive case from a bot intake: hidden from staff, triaged by the manager, then visible to the one assigned."""
import pytest

from complaints.services import complaint_open
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_assigns_a_sensitive_bot_intake_that_other_staff_never_see(live_server, page, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("manager", centre, username="daw_su")
    member("staff", centre, username="ko_min")
    member("staff", centre, username="ma_aye")
    person = PersonFactory(centre=centre, name="Ma Thida")
    case = complaint_open(centre=centre, complainant=person, opened_by=None, grievances=["sexual_abuse"], channel="telegram")

    login("ko_min")
    page.goto(f"{live_server.url}/complaints/")
    assert case.reference not in page.inner_text("main")
    assert page.goto(f"{live_server.url}/complaints/{case.pk}/").status == 404
    page.context.clear_cookies()

    login("daw_su")
    page.goto(f"{live_server.url}/complaints/")
    page.click("text=1 open case nobody carries")
    page.click(f"text={case.reference}")
    page.click("summary:has-text('Reassign')")
    page.select_option("#id_assign-assigned_to", label="ma_aye")
    page.fill("#id_assign-reason", "Woman staff member for this case")
    page.click("form[action$='/reassign/'] button")
    page.wait_for_selector("text=Case reassigned.")
    assert "ma_aye" in page.locator("[data-testid=timeline]").inner_text()
    page.context.clear_cookies()

    login("ma_aye")
    page.goto(f"{live_server.url}/complaints/?mine=on")
    page.click(f"text={case.reference}")
    assert "sensitive" in page.locator("h1").inner_text()
    page.context.clear_cookies()

    login("ko_min")
    assert page.goto(f"{live_server.url}/complaints/{case.pk}/").status == 404
