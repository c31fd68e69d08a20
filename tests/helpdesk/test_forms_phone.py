"""Staff forms: a phone valid in Myanmar and Thailand is asked about, never guessed."""
import re

import pytest
from django.urls import reverse

from helpdesk.models import Contact, Person
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db

CREATE = reverse("helpdesk:person_create")
LOG = reverse("helpdesk:contact_log")


def _country_order(html: str) -> list[str]:
    return re.findall(r'name="(?:p-)?phone_country" value="(\w+)"', html)


def test_ambiguous_number_is_asked_about_and_nothing_saved(staff_client):
    response = staff_client.post(CREATE, {"name": "Ko Aung", "gender": "man", "phone": "081 234 5678"})
    page = response.content.decode()
    assert response.status_code == 200 and "valid both in Myanmar and in Thailand" in page
    assert not Person.objects.exists()
    # Asked with the centre's country checked: one more click saves it.
    assert re.search(r'value="MM"[^>]*checked', page)


@pytest.mark.parametrize("country,e164", [("TH", "+66812345678"), ("MM", "+95812345678")])
def test_the_chosen_country_is_stored(staff_client, country, e164):
    staff_client.post(CREATE, {"name": "Ko Aung", "gender": "man", "phone": "081 234 5678", "phone_country": country, "consent_record": "on"})
    person = Person.objects.get()
    assert person.phone == e164
    page = staff_client.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    assert f"081 234 5678 ({e164[:3]})" in page


def test_thai_only_and_malaysian_numbers_need_no_question(staff_client):
    staff_client.post(CREATE, {"name": "Ma Su", "gender": "woman", "phone": "06 344 003 22", "phone_country": "MM", "consent_record": "on"})
    staff_client.post(CREATE, {"name": "Ma Hla", "gender": "woman", "phone": "+60 12 345 6789", "consent_record": "on"})
    assert sorted(Person.objects.values_list("phone", flat=True)) == ["+60123456789", "+66634400322"]


def test_border_centre_staff_see_thailand_first(client):
    tachileik = CentreFactory(code="TCL", name="Mawk Kon Tachileik", township="Tachileik")
    client.force_login(member("staff", tachileik))
    assert _country_order(client.get(CREATE).content.decode()) == ["TH", "MM"]
    page = client.post(CREATE, {"name": "Ko Aung", "gender": "man", "phone": "081 234 5678"}).content.decode()
    assert re.search(r'value="TH"[^>]*checked', page) and not Person.objects.exists()
    assert _country_order(client.get(LOG).content.decode()) == ["TH", "MM"]


def test_yangon_centre_staff_see_myanmar_first(staff_client):
    assert _country_order(staff_client.get(CREATE).content.decode()) == ["MM", "TH"]


def test_contact_log_asks_too_and_keeps_the_contact_unsaved(staff_client, centre):
    data = {"centre": centre.pk, "service": "helpline", "channel": "phone", "date": "2026-11-20", "p-gender": "man",
            "p-name": "Ko Aung", "p-phone": "၀၈၁ ၂၃၄ ၅၆၇၈", "p-consent_record": "on"}
    page = staff_client.post(LOG, data).content.decode()
    assert "valid both in Myanmar and in Thailand" in page and not Contact.objects.exists()
    staff_client.post(LOG, {**data, "p-phone_country": "TH"})
    assert Contact.objects.get().person.phone == "+66812345678"


def test_search_by_an_ambiguous_number_finds_both(staff_client, centre):
    PersonFactory(centre=centre, name="Thai number", phone="+66812345678")
    PersonFactory(centre=centre, name="Mandalay number", phone="+95812345678")
    searched = staff_client.post(reverse("helpdesk:person_list"), {"q": "081 234 5678"})
    page = staff_client.get(searched.url).content.decode()
    assert "Thai number" in page and "Mandalay number" in page


@pytest.mark.parametrize("typed,stored", [("ဒေါ်မြမြ", "ဒေါ်မြမြ"), ("ေဒၚျမျမ", "ဒေါ်မြမြ"), ("မွမွ", "မွမွ")])
def test_names_and_notes_keep_unicode_and_convert_zawgyi(staff_client, centre, typed, stored):
    """Mya Mya was stored as မွမွ: Unicode that is also well-formed Zawgyi must stay as typed."""
    data = {"centre": centre.pk, "service": "drop_in", "channel": "walk_in", "date": "2026-11-20", "p-gender": "woman",
            "p-name": typed, "notes": "အမြဲစိမ်း အေဂျင်စီ", "p-consent_record": "on"}
    staff_client.post(LOG, data)
    contact = Contact.objects.get()
    assert contact.person.name == stored and contact.notes == "အမြဲစိမ်း အေဂျင်စီ"


def test_thai_number_then_use_this_person_keeps_the_choice_and_shows_local_numbers(client):
    """The phone question (i10a) and the duplicate warning's "Use this person" (i10b) on one form."""
    tachileik = CentreFactory(code="TCL", name="Mawk Kon Tachileik", township="Tachileik")
    client.force_login(member("staff", tachileik))
    existing = PersonFactory(centre=tachileik, name="Ko Aung Min", phone="+66812345678", gender="man", birth_year=1990)
    typed = {"centre": tachileik.pk, "service": "helpline", "channel": "phone", "date": "2026-11-20", "p-gender": "man",
             "p-name": "Ko Aung Min", "p-phone": "081 234 5678", "notes": "Broker kept his passport", "topics": ["jobs"]}
    assert "valid both in Myanmar and in Thailand" in client.post(LOG, typed).content.decode()

    warning = client.post(LOG, {**typed, "p-phone_country": "TH"}).content.decode()
    duplicates = re.search(r'data-testid="duplicates".*?</div>', warning, re.S).group(0)
    assert "081 234 5678 (+66)" in duplicates and "+66812345678" not in duplicates
    assert re.search(r'name="p-phone_country" value="TH"[^>]*checked', warning)

    chosen = client.post(LOG, {**typed, "p-phone_country": "TH", "use_person": existing.pk}).content.decode()
    assert "Broker kept his passport" in chosen and "081 234 5678 (+66)" in chosen and "+66812345678" not in chosen
    kept = {k: v for k, v in typed.items() if not k.startswith("p-")}
    assert client.post(LOG, {**kept, "person": existing.pk}).status_code == 302
    assert Contact.objects.get().person == existing and Person.objects.count() == 1


def test_contact_search_and_activity_matches_show_local_numbers(staff_client, centre):
    from tests.factories import ActivityFactory

    PersonFactory(centre=centre, name="Ma Khin", phone="+959450000001")
    found = staff_client.post(LOG, {"q": "Ma Khin"}, follow=True).content.decode()
    assert "09 45000 0001 (+95)" in found and "+959450000001" not in found
    activity = ActivityFactory(centre=centre)
    page = staff_client.post(reverse("helpdesk:activity_detail", args=[activity.pk]), {"q": "Ma Khin"}, follow=True).content.decode()
    assert "09 45000 0001 (+95)" in page and "+959450000001" not in page
