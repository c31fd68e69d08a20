"""At a border centre a number valid in Myanmar and Thailand is asked about, with Thailand offered first."""

import pytest

from helpdesk.models import Person
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_border_centre_staff_confirm_a_thai_number_and_see_it_with_its_country_code(live_server, login):
    centre = CentreFactory(code="MWD", name="Samaritans' Purse Myawaddy", township="Myawaddy")
    member("staff", centre, username="naw")
    page = login("naw")

    page.goto(f"{live_server.url}/people/new/")
    radios = page.locator("input[name=phone_country]")
    assert [radios.nth(i).get_attribute("value") for i in range(radios.count())] == ["TH", "MM"]
    assert not radios.nth(0).is_checked() and not radios.nth(1).is_checked()  # nothing guessed
    page.fill("#id_name", "Ma Aye Aye")
    page.select_option("#id_gender", "woman")
    page.fill("#id_phone", "081 234 5678")
    page.check("#id_consent_record")
    page.click("button:has-text('Save')")

    page.wait_for_selector("text=valid both in Myanmar and in Thailand")
    assert not Person.objects.exists()
    assert page.locator("input[name=phone_country][value=TH]").is_checked()  # the centre's country, for staff to confirm
    page.click("button:has-text('Save')")

    page.wait_for_selector("text=Person registered.")
    assert Person.objects.get().phone == "+66812345678"
    assert "081 234 5678 (+66)" in page.locator("dl").inner_text()
