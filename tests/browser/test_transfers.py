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


def test_a_shared_record_is_served_by_the_asking_centre_and_revoked_by_the_holder(live_server, login, page):
    from helpdesk import transfers
    from helpdesk.models import PersonShare
    from tests.factories import ContactFactory

    ndg = CentreFactory(code="NDG", name="CTUM North Dagon")
    tcl = CentreFactory(code="TCL", name="Mawk Kon Tachileik")
    thida = member("staff", ndg, username="thida")
    zaw = member("manager", tcl, username="zaw")
    held = person_create(centre=tcl, name="Ma Khaing Zinmar", gender="woman", nrc="၁၂/မရက(နိုင်)၄၈၂၉၁၃", consent_record=True)
    ContactFactory(centre=tcl, person=held, notes="Tachileik bus fare")
    first = transfers.transfer_request(from_centre=tcl, to_centre=ndg, user=thida, nrc="12/MYK(N)482913", reason="She works in Yangon")
    transfers.transfer_accept(transfer=first, user=zaw, mode="share")
    person_create(centre=tcl, name="Ko Aung Min", gender="man", passport_number="MD 100200", consent_record=True)
    transfers.transfer_request(from_centre=tcl, to_centre=ndg, user=thida, passport_number="MD100200", reason="He moved")

    login("thida")
    page.goto(f"{live_server.url}/people/{held.pk}/")
    assert "held at Mawk Kon Tachileik and shared with your centre" in page.inner_text("[data-testid=shared-here]")
    assert "Tachileik bus fare" not in page.content()

    page.context.clear_cookies()
    login("zaw")
    page.goto(f"{live_server.url}/transfers/")
    page.locator("[data-testid=transfer-request]").locator("text=Accept and share").click()
    page.wait_for_url("**/transfers/")
    assert "the record is shared" in page.inner_text(".messages")
    shares = page.locator("[data-testid=shares]")
    assert "Ko Aung Min" in shares.inner_text() and "shared with CTUM North Dagon" in shares.inner_text()
    shares.locator("tr", has_text="Ma Khaing Zinmar").locator("text=Stop sharing").click()
    page.wait_for_url("**/transfers/")
    assert "no longer sees this person" in page.inner_text(".messages")
    assert PersonShare.objects.get(person=held).revoked_at is not None
    assert Person.objects.get(pk=held.pk).centre == tcl


def test_staff_merge_two_records_from_the_person_page(live_server, login, page):
    from helpdesk.models import Contact
    from tests.factories import ContactFactory

    ndg = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", ndg, username="thida")
    first = person_create(centre=ndg, name="Ma Hnin Wai", gender="woman", birth_year=1992, phone="+959451234000",
                          origin_township="Hpa-an", consent_record=True)
    second = person_create(centre=ndg, name="မနှင်းဝေ", gender="woman", birth_year=1992, phone="+959451234000",
                           origin_township="Myawaddy", nrc="12/MaYaKa(N)482913", consent_record=True)
    ContactFactory(centre=ndg, person=second)

    login("thida")
    page.goto(f"{live_server.url}/people/{first.pk}/")
    page.locator("[data-testid=possible-twins]").locator("text=Compare and merge").click()
    table = page.locator("[data-testid=merge-side-by-side]").inner_text()
    assert "Hpa-an" in table and "Myawaddy" in table and "12/MaYaKa(N)482913" in table
    page.check(f"input[name=take_origin_township][value='{second.pk}']")
    page.check("#id_confirm")
    page.click("text=Merge the records")
    page.wait_for_url(f"**/people/{first.pk}/")
    assert f"#{second.pk} is now part of this record" in page.inner_text(".messages")
    assert f"merged #{second.pk} into #{first.pk}" in page.inner_text("[data-testid=merged-from]")
    first.refresh_from_db()
    assert (first.origin_township, first.nrc_key) == ("Myawaddy", "12/MYK(N)482913")
    assert Contact.objects.get().person == first
    page.goto(f"{live_server.url}/people/{second.pk}/")
    page.wait_for_url(f"**/people/{first.pk}/")
