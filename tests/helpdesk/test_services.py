import pytest
from django.core.exceptions import ValidationError

from helpdesk import services
from helpdesk.models import Contact, Person, Referral
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_contact_log_creates_person_inline_with_gender_snapshot(centre, staff):
    contact = services.contact_log(
        centre=centre, staff=staff, service="helpline", channel="viber",
        new_person={"name": "Ko Aung", "gender": "man", "phone": "+959767889802", "birth_year": 1990, "consent_record": True},
        topics=["agency_check", "jobs", "jobs"],
    )
    assert contact.person.name == "Ko Aung" and contact.person.centre == centre
    assert contact.gender == "man"
    assert sorted(contact.topic_codes) == ["agency_check", "jobs"]


def test_anonymous_contact_still_counts_by_gender(centre, staff):
    contact = services.contact_log(centre=centre, staff=staff, service="helpline", channel="phone", gender="woman")
    assert contact.person is None and contact.gender == "woman"


def test_contact_and_person_are_saved_together_or_not_at_all(centre, staff):
    with pytest.raises(ValidationError) as error:
        services.contact_log(
            centre=centre, staff=staff, service="drop_in", channel="walk_in",
            new_person={"name": "Ma Su", "gender": "woman", "consent_record": True, "consent_share": True},
            referral={"target": "not-a-target"},
        )
    assert "target" in error.value.message_dict
    assert not Person.objects.exists() and not Contact.objects.exists() and not Referral.objects.exists()


def test_invalid_service_is_refused_with_field_error(centre, staff):
    with pytest.raises(ValidationError) as error:
        services.contact_log(centre=centre, staff=staff, service="massage", channel="walk_in")
    assert "service" in error.value.message_dict
    assert not Contact.objects.exists()


def test_person_changes_are_kept_in_history(centre, staff):
    person = services.person_create(centre=centre, created_by=staff, name="Ma Hla", gender="woman", consent_record=True)
    services.person_update(person=person, phone="+959767889802")
    history = list(person.history.order_by("history_date").values_list("phone", flat=True))
    assert history == ["", "+959767889802"]


def test_consent_date_is_set_when_consent_is_given(centre, staff):
    person = services.person_create(centre=centre, created_by=staff, gender="man", consent_record=True)
    assert person.consent_date is not None


def test_attendance_only_for_people_of_the_activity_centre(centre, other_centre, staff):
    activity = services.activity_create(centre=centre, created_by=staff, kind="training", format="training_session", title="Safe migration")
    with pytest.raises(ValidationError):
        services.activity_set_attendance(activity=activity, attendees=[PersonFactory(centre=other_centre)])
    local = PersonFactory(centre=centre)
    services.activity_set_attendance(activity=activity, attendees=[local])
    assert list(activity.attendees.all()) == [local]


def test_referral_outcome_dates(centre, staff):
    person = PersonFactory(centre=centre, consent_share=True)
    referral = services.referral_create(centre=centre, person=person, target="gad")
    services.referral_record_outcome(referral=referral, outcome="served", notes="ID card issued")
    assert referral.outcome_date is not None
    services.referral_record_outcome(referral=referral, outcome="pending")
    assert referral.outcome_date is None
    assert referral.history.count() == 3


def test_attendance_changes_are_in_history_once_per_change(centre, staff):
    activity = services.activity_create(centre=centre, created_by=staff, kind="training", format="training_session", title="T")
    first, second = PersonFactory(centre=centre), PersonFactory(centre=centre)
    services.activity_add_attendee(activity=activity, person=first)
    services.activity_add_attendee(activity=activity, person=second)
    services.activity_remove_attendee(activity=activity, person=first)
    snapshots = [sorted(a.person_id for a in h.attendees.all()) for h in activity.history.order_by("history_id")]
    assert snapshots == [[], [first.pk], sorted([first.pk, second.pk]), [second.pk]]


def test_contact_update_takes_the_person_gender_and_keeps_history(centre, other_centre, staff):
    contact = services.contact_log(centre=centre, staff=None, service="helpline", channel="telegram", gender="undisclosed")
    person = PersonFactory(centre=centre, gender="woman")
    services.contact_update(contact=contact, person=person)
    services.contact_update(contact=contact, centre=other_centre)
    contact.refresh_from_db()
    assert (contact.person, contact.gender, contact.centre) == (person, "woman", other_centre)
    assert contact.history.count() == 3


def test_contact_add_topic_once_and_only_known_topics(centre, staff):
    contact = services.contact_log(centre=centre, staff=staff, service="helpline", channel="viber", gender="man")
    services.contact_add_topic(contact=contact, topic="jobs")
    services.contact_add_topic(contact=contact, topic="jobs")
    assert contact.topic_codes == ["jobs"]
    with pytest.raises(ValidationError):
        services.contact_add_topic(contact=contact, topic="gossip")
