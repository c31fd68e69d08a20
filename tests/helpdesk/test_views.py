import re

import pytest
from django.urls import reverse

from helpdesk.models import Activity, Contact, Person
from tests.factories import ActivityFactory, ContactFactory, PersonFactory, ReferralFactory

pytestmark = pytest.mark.django_db

LOG = reverse("helpdesk:contact_log")


def contact_post(centre, **extra):
    # The person agreed to records being kept (without it the form refuses a name: tests/helpdesk/test_consent.py).
    data = {"centre": centre.pk, "service": "drop_in", "channel": "walk_in", "date": "2026-11-20", "p-gender": "woman", "p-consent_record": "on"}
    data.update(extra)
    return data


def test_log_contact_for_new_person_with_burmese_digits(staff_client, centre):
    response = staff_client.post(LOG, contact_post(centre, **{"p-name": "မသီတာ", "p-phone": "၀၉ ၇၆၇ ၈၈၉ ၈၀၂", "p-birth_year": "၁၉၉၈", "topics": ["jobs"]}))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("helpdesk:person_detail", args=[person.pk])
    assert (person.phone, person.birth_year) == ("+959767889802", 1998)


def test_zawgyi_typed_into_a_form_is_stored_as_unicode(staff_client, centre):
    staff_client.post(LOG, contact_post(centre, **{"p-name": "ေက်းဇူးတင္ပါတယ္", "notes": "ျမန္မာ ေအဂ်င္စီ"}))
    contact = Contact.objects.get()
    assert contact.person.name == "ကျေးဇူးတင်ပါတယ်"
    assert contact.notes == "မြန်မာ အေဂျင်စီ"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("p-phone", "12345", "valid Myanmar"),
        ("p-birth_year", "1850", "between 1900"),
        ("date", "2999-01-01", "future"),
        ("service", "massage", "Select a valid choice"),
        ("p-gender", "", "Choose the gender"),
    ],
)
def test_bad_input_gets_a_field_message_and_nothing_is_saved(staff_client, centre, field, value, message):
    response = staff_client.post(LOG, contact_post(centre, **{"p-name": "Ko Ko", field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Contact.objects.exists() and not Person.objects.exists()


def test_duplicate_warning_before_creating_a_person(staff_client, centre):
    existing = PersonFactory(centre=centre, name="Ma Thandar Win", birth_year=1994, phone="+959450000001")
    response = staff_client.post(LOG, contact_post(centre, **{"p-name": "Ma Thandar  Win", "p-birth_year": "1994"}))
    assert response.status_code == 200
    assert "may already be registered" in response.content.decode()
    assert f'name="use_person" value="{existing.pk}"' in response.content.decode()
    assert Person.objects.count() == 1 and not Contact.objects.exists()

    response = staff_client.post(LOG, contact_post(centre, **{"p-name": "Ma Thandar  Win", "p-birth_year": "1994", "p-confirm_new": "on"}))
    assert response.status_code == 302 and Person.objects.count() == 2


def test_same_phone_is_a_duplicate_too(staff_client, centre):
    PersonFactory(centre=centre, name="Ko Min", phone="+959767889802")
    response = staff_client.post(LOG, contact_post(centre, **{"p-name": "Min Min", "p-phone": "09767889802"}))
    assert "may already be registered" in response.content.decode()


def test_log_contact_for_existing_person_of_another_centre_is_404(staff_client, centre, other_centre):
    stranger = PersonFactory(centre=other_centre)
    assert staff_client.post(LOG, contact_post(centre, person=stranger.pk)).status_code == 404
    assert not Contact.objects.exists()


def test_cannot_log_a_contact_at_a_centre_that_is_not_mine(staff_client, centre, other_centre):
    response = staff_client.post(LOG, contact_post(other_centre, **{"p-name": "Ko Ko"}))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Contact.objects.exists()


def test_person_search_by_burmese_digit_phone_and_name(staff_client, centre):
    PersonFactory(centre=centre, name="Ko Zaw", phone="+959767889802")
    PersonFactory(centre=centre, name="Ma Aye", phone="+959111111111")
    url = reverse("helpdesk:person_list")
    assert "Ko Zaw" in staff_client.post(url, {"q": "၀၉၇၆၇၈၈၉၈၀၂"}, follow=True).content.decode()
    page = staff_client.post(url, {"q": "767889802"}, follow=True).content.decode()
    assert "Ko Zaw" in page and "Ma Aye" not in page
    assert "Ma Aye" in staff_client.post(url, {"q": "ma aye"}, follow=True).content.decode()


def test_person_form_rejects_bad_phone_with_field_message(staff_client):
    response = staff_client.post(reverse("helpdesk:person_create"), {"gender": "man", "phone": "abc"})
    assert response.status_code == 200 and "valid Myanmar" in response.content.decode()
    assert not Person.objects.exists()


def test_attendance_add_and_remove(staff_client, centre):
    activity = ActivityFactory(centre=centre)
    person = PersonFactory(centre=centre, name="Ko Thura")
    url = reverse("helpdesk:activity_attendance", args=[activity.pk])
    staff_client.post(url, {"person": person.pk, "action": "add"})
    assert list(activity.attendees.all()) == [person]
    staff_client.post(url, {"person": person.pk, "action": "remove"})
    assert not activity.attendees.exists()


def test_activity_head_count_cannot_be_negative(staff_client, centre):
    response = staff_client.post(
        reverse("helpdesk:activity_create"),
        {"centre": centre.pk, "kind": "mobilisation", "format": "outreach", "title": "Sunday dialogue", "date": "2026-11-01",
         "women_count": "-3", "men_count": "၁၂", "other_count": "0", "undisclosed_count": "0"},
    )
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not Activity.objects.exists()


def test_referral_outcome_page(staff_client, centre):
    referral = ReferralFactory(centre=centre)
    response = staff_client.post(reverse("helpdesk:referral_outcome", args=[referral.pk]), {"outcome": "served", "notes": "done"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "served"


@pytest.mark.parametrize(
    "url_name,make",
    [
        ("helpdesk:person_list", lambda c: PersonFactory(centre=c)),
        ("helpdesk:contact_list", lambda c: ContactFactory(centre=c)),
        ("helpdesk:activity_list", lambda c: ActivityFactory(centre=c)),
        ("helpdesk:referral_list", lambda c: ReferralFactory(centre=c)),
        ("helpdesk:dashboard", lambda c: ContactFactory(centre=c)),
    ],
)
def test_lists_run_a_constant_number_of_queries(staff_client, centre, django_assert_max_num_queries, url_name, make):
    for _ in range(10):
        make(centre)
    with django_assert_max_num_queries(12) as small:
        assert staff_client.get(reverse(url_name)).status_code == 200
    for _ in range(190):
        make(centre)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(reverse(url_name)).status_code == 200


def test_admin_edit_normalises_zawgyi(client, centre):
    from tests.factories import UserFactory

    person = PersonFactory(centre=centre, name="x")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:helpdesk_person_change", args=[person.pk])
    data = {"centre": centre.pk, "name": "ေက်းဇူးတင္ပါတယ္", "gender": "woman", "birth_year": "၁၉၉၀", "phone": "၀၉ ၇၆၇ ၈၈၉ ၈၀၂",
            "created_at_0": "2026-01-01", "created_at_1": "10:00:00"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.name, person.birth_year, person.phone) == ("ကျေးဇူးတင်ပါတယ်", 1990, "+959767889802")
    assert person.history.first().history_user.is_superuser


@pytest.mark.parametrize("model", ["centre", "membership", "person", "contact", "activity", "referral", "contactimport", "importedrow"])
def test_admin_changelists_open(client, centre, model):
    from tests.factories import UserFactory

    ContactFactory(centre=centre)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:helpdesk_{model}_changelist"), {"q": "x"}).status_code == 200


def test_use_this_person_keeps_everything_typed_then_saves_for_that_person(staff_client, centre, staff):
    existing = PersonFactory(centre=centre, name="Ma Thandar Win", birth_year=1994, phone="+959450000001", gender="woman", consent_share=True)
    typed = contact_post(centre, **{
        "p-name": "Ma Thandar  Win", "p-birth_year": "1994", "service": "helpline", "channel": "viber",
        "topics": ["jobs", "legal_advice"], "notes": "Agency kept her passport", "referral_target": "ngo",
        "referral_organisation": "Legal Clinic Myanmar",
    })
    assert "may already be registered" in staff_client.post(LOG, typed).content.decode()

    page = staff_client.post(LOG, {**typed, "use_person": existing.pk}).content.decode()
    assert not Contact.objects.exists()  # picking a person saves nothing yet
    assert f'<input type="hidden" name="person" value="{existing.pk}">' in page and "Ma Thandar Win" in page
    assert 'value="helpline" selected' in page and 'value="viber" selected' in page
    assert 'value="jobs"' in page and re.search(r'value="jobs"[^>]*checked', page) and re.search(r'value="legal_advice"[^>]*checked', page)
    assert "Agency kept her passport" in page and "Legal Clinic Myanmar" in page and 'value="ngo" selected' in page

    kept = {k: v for k, v in typed.items() if not k.startswith("p-")}
    response = staff_client.post(LOG, {**kept, "person": existing.pk})
    assert response.status_code == 302 and Person.objects.count() == 1
    contact = Contact.objects.get()
    assert (contact.person, contact.service, contact.channel, contact.notes, contact.gender) == (
        existing, "helpline", "viber", "Agency kept her passport", "woman")
    assert sorted(contact.topic_codes) == ["jobs", "legal_advice"]
    assert existing.referrals.get().organisation == "Legal Clinic Myanmar"


def test_use_this_person_of_another_centre_is_404(staff_client, centre, other_centre):
    stranger = PersonFactory(centre=other_centre)
    assert staff_client.post(LOG, contact_post(centre, use_person=stranger.pk)).status_code == 404
