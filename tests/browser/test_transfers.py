"""Staff meet someone registered at another centre: they see only that centre, ask for a transfer, its manager accepts."""
import pytest

from helpdesk.models import Person
from helpdesk.services import person_create
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_nrc_flags_the_other_centre_and_a_transfer_moves_the_record(live_server, login, page):
    ndg = CentreFactory(code="NDG", name="CTUM North Dagon")
    tcl = CentreFactory(code="TCL", name="Mawk Kon Tachileik")
    member("staff", ndg, username="thida")
    member("manager", tcl, username="zaw")
    held = person_create(centre=tcl, name="Ma Khaing Zinmar", phone="+959451239876", gender="woman", birth_year=1987,
                         nrc="၁၂/မရက(နိုင်)၄၈၂၉၁၃", consent_record=True)

    login("thida")
    page.goto(f"{live_server.url}/people/new/")
    page.select_option("#id_gender", "woman")
    page.fill("#id_nrc", "12/MaYaKa(N)482913")
    page.check("#id_consent_record")
    page.click("button:has-text('Save')")
    warning = page.locator("[data-testid=registered-elsewhere]")
    assert "This person is registered at Mawk Kon Tachileik: ask them, or request a transfer." in warning.inner_text()
    assert "Khaing" not in page.content() and "451239876" not in page.content()
    warning.locator("text=Request a transfer").click()
    page.fill("#id_reason", "She lives in North Dagon now")
    page.click("text=Send the request")
    page.wait_for_url("**/transfers/")
    assert "Waiting for the other centre" in page.content() and "Khaing" not in page.content()

    page.context.clear_cookies()
    login("zaw")
    page.goto(f"{live_server.url}/transfers/")
    request = page.locator("[data-testid=transfer-request]")
    assert "Ma Khaing Zinmar" in request.inner_text() and "She lives in North Dagon now" in request.inner_text()
    request.locator("text=Accept and move").click()
    page.wait_for_url("**/transfers/")
    assert "the record moved" in page.inner_text(".messages")
    assert Person.objects.get(pk=held.pk).centre == ndg
