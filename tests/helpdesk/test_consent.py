"""Consent on every path that records or shares a person: services, staff pages, admin, imports."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helpdesk import consent, services
from helpdesk.imports import import_contacts
from helpdesk.models import Activity, ConsentEvent, Contact, Person, Referral
from tests.factories import ActivityFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def timeline(person) -> list[tuple]:
    return list(person.consent_events.order_by("id").values_list("scope", "action", "method"))


# Services -------------------------------------------------------------------------------------

def test_a_named_person_is_registered_only_with_consent_and_the_timeline_says_how(centre, staff):
    with pytest.raises(ValidationError) as refused:
        services.person_create(centre=centre, created_by=staff, name="Ma Hla", gender="woman")
    assert "consent_record" in refused.value.message_dict and not Person.objects.exists()
    person = services.person_create(
        centre=centre, created_by=staff, name="Ma Hla", gender="woman", consent_record=True, consent_share=True, consent_method="phone",
    )
    assert timeline(person) == [("record", "given", "phone"), ("share", "given", "phone")]
    assert set(person.consent_events.values_list("recorded_by", flat=True)) == {staff.pk}


def test_without_consent_the_contact_is_logged_anonymously_and_nothing_of_the_person_is_kept(centre, staff):
    with pytest.raises(ValidationError):
        services.contact_log(centre=centre, staff=staff, service="drop_in", channel="walk_in",
                             new_person={"name": "Ko Aung", "gender": "man", "phone": "+959767889802"})
    assert not Person.objects.exists() and not Contact.objects.exists()
    contact = services.contact_log(centre=centre, staff=staff, service="drop_in", channel="walk_in", gender="man")
    assert contact.person is None and contact.gender == "man"


def test_a_person_registered_before_consent_was_asked_gets_nothing_new_until_it_is_recorded(centre, staff):
    legacy = PersonFactory(centre=centre, consent_record=False)
    activity = ActivityFactory(centre=centre)
    for write in (
        lambda: services.contact_log(centre=centre, staff=staff, service="drop_in", channel="walk_in", person=legacy),
        lambda: services.activity_add_attendee(activity=activity, person=legacy),
        lambda: services.person_update(person=legacy, name="New name"),
    ):
        with pytest.raises(ValidationError, match="has not consented to records"):
            write()
    assert not Contact.objects.exists() and not activity.attendees.exists()
    services.consent_give(person=legacy, scopes=["record"], method="in_person", by=staff)
    services.contact_log(centre=centre, staff=staff, service="drop_in", channel="walk_in", person=legacy)
    assert legacy.contacts.count() == 1 and timeline(legacy) == [("record", "given", "in_person")]


def test_withdrawing_consent_to_records_withdraws_sharing_too_with_date_and_who(centre, staff):
    person = PersonFactory(centre=centre, consent_share=True)
    services.consent_withdraw(person=person, scope="record", by=staff, method="phone", on=date(2026, 11, 2), reason="Moved away")
    person.refresh_from_db()
    assert (person.consent_record, person.consent_share, person.consent_date) == (False, False, date(2026, 11, 2))
    events = list(person.consent_events.all())
    assert {(e.scope, e.action, e.recorded_by, e.date) for e in events} == {
        ("share", "withdrawn", staff, date(2026, 11, 2)), ("record", "withdrawn", staff, date(2026, 11, 2)),
    }
    assert person.history.first().consent_record is False  # the change is in the person's history too
    with pytest.raises(ValidationError):
        services.contact_log(centre=centre, staff=staff, service="drop_in", channel="walk_in", person=person)
    with pytest.raises(ValidationError, match="no consent to withdraw"):
        services.consent_withdraw(person=person, scope="share", by=staff)


def test_withdrawing_sharing_only_keeps_the_record(centre, staff):
    person = PersonFactory(centre=centre, consent_share=True)
    services.consent_withdraw(person=person, scope="share", by=staff)
    person.refresh_from_db()
    assert person.consent_record and not person.consent_share
    with pytest.raises(ValidationError):
        services.referral_create(centre=centre, person=person, target="ngo", created_by=staff)


def test_a_referral_needs_consent_to_share_or_a_managers_override_with_a_reason(centre, staff, manager):
    person = PersonFactory(centre=centre)
    with pytest.raises(ValidationError) as refused:
        services.referral_create(centre=centre, person=person, target="anti_trafficking", created_by=staff)
    assert refused.value.message_dict["override_reason"] == [consent.SHARE_REQUIRED % {"person": person}]
    with pytest.raises(ValidationError, match="Only a manager"):
        services.referral_create(centre=centre, person=person, target="anti_trafficking", created_by=staff, override_reason="Danger")
    with pytest.raises(ValidationError, match="reason"):
        services.referral_create(centre=centre, person=person, target="anti_trafficking", created_by=manager, override_reason="  ")
    assert not Referral.objects.exists()
    referral = services.referral_create(
        centre=centre, person=person, target="anti_trafficking", created_by=manager,
        override_reason="Held by the broker in Myawaddy; police must act today",
    )
    override = ConsentEvent.objects.get(action="override")
    assert (override.person, override.referral, override.recorded_by, override.scope) == (person, referral, manager, "share")
    assert "Myawaddy" in override.reason
    person.refresh_from_db()
    assert not person.consent_share  # the override is for this referral, not consent


def test_a_new_person_with_consent_to_share_can_be_referred_in_the_same_contact(centre, staff):
    contact = services.contact_log(
        centre=centre, staff=staff, service="drop_in", channel="walk_in", referral={"target": "ngo"},
        new_person={"name": "Ma Su", "gender": "woman", "consent_record": True, "consent_share": True},
    )
    assert contact.referrals.get().person == contact.person


# Staff pages -----------------------------------------------------------------------------------

def test_the_contact_form_refuses_a_name_without_consent_and_says_what_to_do(staff_client, centre):
    data = {"centre": centre.pk, "service": "drop_in", "channel": "walk_in", "date": "2026-11-20", "p-gender": "woman", "p-name": "Ma Aye"}
    page = staff_client.post(reverse("helpdesk:contact_log"), data).content.decode()
    assert "log the contact anonymously" in page and not Contact.objects.exists()
    del data["p-name"]
    assert staff_client.post(reverse("helpdesk:contact_log"), data).status_code == 302
    assert Contact.objects.get().person is None


def test_the_person_page_shows_consent_and_records_it_given_then_withdrawn(client, centre, staff):
    legacy = PersonFactory(centre=centre, consent_record=False)
    client.force_login(staff)
    url = reverse("helpdesk:person_detail", args=[legacy.pk])
    assert "Consent was never recorded" in client.get(url).content.decode()
    post = reverse("helpdesk:person_consent", args=[legacy.pk])
    client.post(post, {"consent-action": "give", "consent-scopes": ["record", "share"], "consent-method": "in_person", "consent-on": "2026-11-20"})
    legacy.refresh_from_db()
    assert legacy.consent_record and legacy.consent_share and legacy.consent_date == date(2026, 11, 20)
    page = client.get(url).content.decode()
    assert "Consent was never recorded" not in page and "In person" in page and "staff1" in page
    client.post(post, {"consent-action": "withdraw", "consent-scopes": ["record"], "consent-method": "phone", "consent-on": "2026-11-25",
                       "consent-reason": "Called to ask us to delete her details"})
    page = client.get(url).content.decode()
    assert 'data-testid="consent-withdrawn"' in page and "2026-11-25" in page and "Erase or anonymise" in page
    assert timeline(legacy)[-2:] == [("share", "withdrawn", "phone"), ("record", "withdrawn", "phone")]


def test_the_duplicate_warning_shows_consent(staff_client, centre):
    PersonFactory(centre=centre, name="Ko Min", phone="+959767889802", consent_share=False)
    data = {"centre": centre.pk, "service": "drop_in", "channel": "walk_in", "date": "2026-11-20", "p-gender": "man",
            "p-name": "Min Min", "p-phone": "09767889802", "p-consent_record": "on"}
    page = staff_client.post(reverse("helpdesk:contact_log"), data).content.decode()
    assert "may already be registered" in page and "consents to records, not to sharing" in page


def test_only_a_manager_sees_and_uses_the_override_on_the_referral_page(client, centre, staff, manager):
    person = PersonFactory(centre=centre)
    url = reverse("helpdesk:referral_create", args=[person.pk])
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "only a manager can refer them" in page and "override_reason" not in page
    assert client.post(url, {"target": "ngo", "date": "2026-11-20"}).status_code == 200 and not Referral.objects.exists()
    client.force_login(manager)
    assert 'name="override_reason"' in client.get(url).content.decode()
    response = client.post(url, {"target": "anti_trafficking", "date": "2026-11-20", "override_reason": "Locked in a dormitory"})
    assert response.status_code == 302
    page = client.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    assert "urgent protection override" in page and "Locked in a dormitory" in page


# Admin ---------------------------------------------------------------------------------------

@pytest.fixture
def root(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_registers_a_person_only_with_consent_through_the_service(root, centre):
    url = reverse("admin:helpdesk_person_add")
    data = {"centre": centre.pk, "name": "Ko Aung", "gender": "man", "consent_method": "in_person",
            "created_at_0": "2026-11-20", "created_at_1": "10:00:00"}
    page = root.post(url, data).content.decode()
    assert "log the contact anonymously" in page and not Person.objects.exists()
    assert root.post(url, {**data, "consent_record": "on"}).status_code == 302
    person = Person.objects.get()
    assert timeline(person) == [("record", "given", "in_person")] and person.consent_events.get().recorded_by.username == "root"


def test_admin_refers_only_with_consent_to_share(root, centre):
    person = PersonFactory(centre=centre)
    url = reverse("admin:helpdesk_referral_add")
    data = {"centre": centre.pk, "person": person.pk, "target": "ngo", "date": "2026-11-20", "outcome": "pending"}
    page = root.post(url, data).content.decode()
    assert "has not consented to their details being shared" in page and not Referral.objects.exists()
    sharing = PersonFactory(centre=centre, consent_share=True)
    assert root.post(url, {**data, "person": sharing.pk}).status_code == 302
    assert Referral.objects.get().person == sharing


def test_admin_does_not_attach_a_person_without_consent_to_a_contact(root, centre):
    legacy = PersonFactory(centre=centre, consent_record=False)
    url = reverse("admin:helpdesk_contact_add")
    data = {"centre": centre.pk, "person": legacy.pk, "service": "drop_in", "channel": "walk_in", "gender": "woman",
            "date": "2026-11-20", "created_at_0": "2026-11-20", "created_at_1": "10:00:00",
            "topics-TOTAL_FORMS": "0", "topics-INITIAL_FORMS": "0"}
    assert "has not consented to records" in root.post(url, data).content.decode()
    assert not Contact.objects.exists()


# Imports ---------------------------------------------------------------------------------------

def test_imported_rows_without_consent_are_counted_anonymously(centre):
    result = import_contacts(
        content=(b"date,centre,service,gender,person_ref,name,phone,consent\n"
                 b"2023-01-05,NDG,drop_in,woman,NDG-1,Ma Hla,09767889802,yes\n"
                 b"2023-01-05,NDG,drop_in,man,NDG-2,Ko Aung,09767889803,\n"
                 b"2023-01-05,NDG,drop_in,man,NDG-3,Ko Min,09767889804,no\n"
                 b"2023-03-01,NDG,training,woman,NDG-4,Ma Su,,\n"),
        filename="legacy.csv",
    )
    assert result.errors == [] and result.anonymous == 3 and result.people_created == 1
    person = Person.objects.get()
    assert person.name == "Ma Hla" and person.consent_date == date(2023, 1, 5)
    assert timeline(person) == [("record", "given", "paper")]
    assert Contact.objects.filter(person=None, gender="man").count() == 2
    assert Activity.objects.get().women_count == 1  # the attendee without consent is a head count
    assert not Person.objects.filter(name__in=["Ko Aung", "Ko Min", "Ma Su"]).exists()


def test_an_import_without_the_consent_column_keeps_no_one(centre):
    result = import_contacts(content=b"date,centre,service,gender,name\n2023-01-05,NDG,drop_in,woman,Ma Hla\n", filename="x.csv")
    assert result.imported == 1 and result.anonymous == 1
    assert not Person.objects.exists() and Contact.objects.get().person is None


def test_an_unreadable_consent_is_a_row_error(centre):
    result = import_contacts(content=b"date,centre,service,gender,name,consent\n2023-01-05,NDG,drop_in,woman,Ma Hla,maybe\n", filename="x.csv")
    assert "consent:" in result.errors[0][1] and not Contact.objects.exists()


def test_a_row_with_consent_records_it_for_a_person_registered_before(centre):
    legacy = PersonFactory(centre=centre, card_number="NDG-7", consent_record=False)
    result = import_contacts(content=b"date,centre,service,gender,person_ref,consent\n2023-02-01,NDG,drop_in,woman,NDG-7,yes\n", filename="x.csv")
    assert result.errors == []
    legacy.refresh_from_db()
    assert legacy.consent_record and legacy.contacts.count() == 1 and timeline(legacy) == [("record", "given", "paper")]


def test_the_row_by_row_path_obeys_the_same_rules(centre):
    from helpdesk.imports.result import ImportResult
    from helpdesk.imports.rows import parse_row
    from helpdesk.imports.rowwise import apply_rows

    legacy = PersonFactory(centre=centre, card_number="NDG-7", consent_record=False)
    centres = {"NDG": centre}
    rows = [
        parse_row(2, {"date": "2023-02-01", "centre": "NDG", "service": "drop_in", "gender": "man", "name": "Ko Aung", "consent": ""}, centres),
        parse_row(3, {"date": "2023-02-01", "centre": "NDG", "service": "drop_in", "gender": "woman", "name": "Ma Hla", "consent": "ဟုတ်ကဲ့"}, centres),
        parse_row(4, {"date": "2023-02-01", "centre": "NDG", "service": "drop_in", "gender": "woman", "person_ref": "NDG-7", "consent": "yes"}, centres),
    ]
    result = ImportResult()
    apply_rows([(row, f"key{row.number}") for row in rows], result, user=None, source="x.csv")
    assert result.errors == [] and result.anonymous == 1
    assert set(Person.objects.values_list("name", "consent_record")) == {("Ma Hla", True), (legacy.name, True)}
    assert Contact.objects.filter(person=None, gender="man").count() == 1
