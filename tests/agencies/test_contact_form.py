"""Staff record the agency checked while logging a contact with the topic "agency licence check"."""
import pytest
from django.urls import reverse

from agencies.forms import AGENCY_PICK, AGENCY_QUERY_REQUIRED, AGENCY_SIMILAR_PICK, AGENCY_TOPIC_MISSING
from agencies.models import AgencyCheck, LicenceStatus
from helpdesk.models import Contact
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(centre):
    return PersonFactory(centre=centre, name="Ma Hla")


def log(client, person, *, topics=("agency_check",), **agency_fields):
    data = {
        "person": person.pk, "centre": person.centre_id, "service": "drop_in", "channel": "walk_in",
        "date": "2026-01-05", "topics": list(topics),
        **{f"agency-{key}": value for key, value in agency_fields.items()},
    }
    return client.post(reverse("helpdesk:contact_log"), data)


def test_clear_match_is_recorded_with_the_status_at_the_time(staff_client, person, staff):
    agency = AgencyFactory(licence_number="123/2019", name_en="Golden Star Co., Ltd.", status=LicenceStatus.SUSPENDED)
    response = log(staff_client, person, query="No. ၁၂၃/၂၀၁၉")
    assert response.status_code == 302
    check = AgencyCheck.objects.get()
    assert check.contact == Contact.objects.get() and check.agency == agency
    assert (check.query, check.status_at_check, check.licensed) == ("No. ၁၂၃/၂၀၁၉", "suspended", False)  # kept as asked
    assert check.history.get().history_user == staff


def test_zawgyi_query_is_stored_in_unicode(staff_client, person):
    AgencyFactory(name_en="Golden Star", name_my="ရွှေကြယ် ကုမ္ပဏီလီမိတက်")
    log(staff_client, person, query="ေရႊၾကယ္ ကုမၸဏီလီမိတက္")
    check = AgencyCheck.objects.get()
    assert check.query == "ရွှေကြယ် ကုမ္ပဏီလီမိတက်" and check.licensed


def test_several_matches_ask_staff_to_pick_without_saving(staff_client, person):
    first = AgencyFactory(name_en="Golden Star Co., Ltd.")
    second = AgencyFactory(name_en="Golden Stars Co., Ltd.")
    response = log(staff_client, person, query="golden star")
    assert response.status_code == 200
    assert str(AGENCY_PICK) in response.content.decode()
    choices = [value for value, _ in response.context["extension_forms"][0][0].fields["agency"].choices]
    assert choices[:2] == [str(first.pk), str(second.pk)] and choices[-1] == "none"
    assert not Contact.objects.exists() and not AgencyCheck.objects.exists()

    response = log(staff_client, person, query="golden star", agency=str(second.pk))
    assert response.status_code == 302
    assert AgencyCheck.objects.get().agency == second


def test_not_in_the_register_counts_as_unlicensed(staff_client, person):
    AgencyFactory(name_en="Golden Star Co., Ltd.")
    AgencyFactory(name_en="Golden Stars Co., Ltd.")
    log(staff_client, person, query="golden star", agency="none")
    check = AgencyCheck.objects.get()
    assert (check.agency, check.licensed, check.status_at_check) == (None, False, "")


def test_unknown_agency_is_recorded_as_not_in_register(staff_client, person):
    AgencyFactory(name_en="Golden Star Co., Ltd.")
    assert log(staff_client, person, query="Quick Visa Brokers").status_code == 302
    assert AgencyCheck.objects.get().agency is None


def test_topic_ticked_requires_the_agency(staff_client, person):
    response = log(staff_client, person, query="")
    assert str(AGENCY_QUERY_REQUIRED) in response.content.decode()
    assert not Contact.objects.exists()


def test_agency_without_the_topic_is_an_error_not_silently_dropped(staff_client, person):
    AgencyFactory(name_en="Golden Star Co., Ltd.")
    response = log(staff_client, person, topics=("jobs",), query="Golden Star")
    assert str(AGENCY_TOPIC_MISSING) in response.content.decode()
    assert not Contact.objects.exists()


def test_contact_without_the_topic_records_no_check(staff_client, person):
    assert log(staff_client, person, topics=("jobs",)).status_code == 302
    assert Contact.objects.count() == 1 and not AgencyCheck.objects.exists()


def test_log_page_shows_a_text_field_not_a_select_of_every_agency(staff_client):
    AgencyFactory.create_batch(30)
    page = staff_client.get(reverse("helpdesk:contact_log")).content.decode()
    assert 'name="agency-query"' in page
    assert page.count("<option") < 60  # service, channel, centre and referral menus only


def test_person_page_lists_the_agencies_checked(staff_client, person):
    agency = AgencyFactory(licence_number="123/2019", name_en="Golden Star Co., Ltd.", status=LicenceStatus.REVOKED)
    log(staff_client, person, query="123/2019")
    log(staff_client, person, query="Quick Visa Brokers")
    url = reverse("helpdesk:person_detail", args=[person.pk])
    page = staff_client.get(url).content.decode()
    assert 'data-testid="person-agency-checks"' in page
    assert str(agency) in page and "Quick Visa Brokers" in page and "Not in the register" in page
    other = PersonFactory(centre=person.centre)
    assert 'data-testid="person-agency-checks"' not in staff_client.get(
        reverse("helpdesk:person_detail", args=[other.pk])
    ).content.decode()


def test_a_name_the_verdict_names_is_recorded_with_its_status(staff_client, person):
    AgencyFactory(licence_number="51/2018", name_en="Ayeyarwady Dragon Manpower Co., Ltd.", status=LicenceStatus.REVOKED)
    licensed = AgencyFactory(licence_number="61/2019", name_en="Ayeyarwady Dragon International Co., Ltd.")
    assert log(staff_client, person, query="Ayeyarwady Dragon International").status_code == 302
    check = AgencyCheck.objects.get()
    assert (check.agency, check.licensed) == (licensed, True)


def test_same_name_agencies_show_the_verdict_and_ask_to_pick(staff_client, person):
    AgencyFactory(licence_number="9/2015", name_en="Zeya Overseas Employment Agency", status=LicenceStatus.REVOKED)
    AgencyFactory(licence_number="10/2022", name_en="Zeya Overseas Employment Agency")
    page = log(staff_client, person, query="Zeya").content.decode()
    assert 'class="verdict verdict-ambiguous"' in page and "2 agencies fit this name" in page
    assert "9/2015" in page and "10/2022" in page and str(AGENCY_PICK) in page
    assert not Contact.objects.exists()


def test_a_look_alike_is_never_recorded_as_the_agency_checked(staff_client, person):
    AgencyFactory(licence_number="14/2016", name_en="Golden Star Manpower Services Co., Ltd.")
    response = log(staff_client, person, query="Golden Sea")
    page = response.content.decode()
    assert response.status_code == 200 and not Contact.objects.exists()
    assert 'class="verdict verdict-not_found"' in page and str(AGENCY_SIMILAR_PICK) in page and "14/2016" in page
    assert log(staff_client, person, query="Golden Sea", agency="none").status_code == 302
    assert (AgencyCheck.objects.get().agency, AgencyCheck.objects.get().licensed) == (None, False)
