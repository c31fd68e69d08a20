"""A staff member logs a drop-in for a new person, then finds them by a phone typed in Burmese digits."""
import pytest

from helpdesk.models import Contact, Person
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_logs_drop_in_for_new_person_and_finds_them_by_burmese_digits(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    page = login("moe")

    page.click("text=Log contact")
    page.fill("#id_p-name", "မခင်မာ")
    page.select_option("#id_p-gender", "woman")
    page.fill("#id_p-phone", "09 767 889 802")
    page.fill("#id_p-birth_year", "၁၉၉၅")
    page.check("#id_p-consent_record")
    page.select_option("#id_service", "drop_in")
    page.select_option("#id_channel", "walk_in")
    page.check("text=Recruitment costs")
    page.fill("#id_notes", "Asked about an agency in Hlaing Thar Yar")
    page.click("text=Save contact")

    page.wait_for_selector("text=Contact logged.")
    assert page.locator("h1").inner_text() == "မခင်မာ"
    person = Person.objects.get()
    assert (person.phone, person.birth_year, person.centre) == ("+959767889802", 1995, centre)
    contact = Contact.objects.get()
    assert contact.topic_codes == ["recruitment_costs"] and contact.gender == "woman"

    page.click("text=People")
    page.fill("#q", "၀၉၇၆၇၈၈၉၈၀၂")
    page.click("button:has-text('Search')")
    page.wait_for_selector("table >> text=မခင်မာ")
    assert page.locator("tbody tr").count() == 1


def test_language_switcher_shows_burmese(live_server, login):
    member("staff", CentreFactory(code="NDG"), username="moe")
    page = login("moe")
    with page.expect_navigation():
        page.select_option("select[name=language]", "my")
    assert "ဆက်သွယ်မှု" in page.locator("nav").inner_text()
