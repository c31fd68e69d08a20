"""Merging two records of one person at one centre keeps every contact, case, conversation and history."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bots.models import CallbackRequest, Conversation
from complaints.models import Complaint
from complaints.services import complaint_open
from helpdesk.merge import person_merge
from helpdesk.models import ConsentEvent, Contact, Person, Referral
from helpdesk.services import person_create
from tests.factories import ActivityFactory, ContactFactory, ReferralFactory, member

pytestmark = pytest.mark.django_db


def registered_twice(centre, staff):
    first = person_create(centre=centre, created_by=staff, name="Ma Hnin Wai", gender="woman", birth_year=1992, consent_record=True)
    second = person_create(centre=centre, created_by=staff, name="မနှင်းဝေ", gender="woman", phone="+959451234000",
                           nrc="၁၂/မရက(နိုင်)၄၈၂၉၁၃", card_number="NDG-0042", consent_record=True, consent_share=True)
    for person in (first, second):
        ContactFactory(centre=centre, person=person)
        ReferralFactory(centre=centre, person=person)
    activity = ActivityFactory(centre=centre)
    activity.attendees.add(second)
    case = complaint_open(centre=centre, complainant=second, opened_by=staff, grievances=["underpaid_wages"], channel="walk_in")
    conversation = Conversation.objects.create(channel="telegram", external_user_id="77", centre=centre, person=second)
    CallbackRequest.objects.create(conversation=conversation, centre=centre, person=second, name="Hnin", phone="+959451234000")
    return first, second, activity, case


def test_merging_keeps_every_record_and_fills_the_gaps(centre, staff):
    keep, gone, activity, case = registered_twice(centre, staff)
    consent_steps = ConsentEvent.objects.count()

    moved = person_merge(keep=keep, gone=gone, user=staff)

    assert not Person.objects.filter(pk=gone.pk).exists()
    assert Contact.objects.filter(person=keep).count() == 3  # two of the people's + the complaint's own contact
    assert Referral.objects.filter(person=keep).count() == 2
    assert list(activity.attendees.all()) == [keep]
    assert Complaint.objects.get(pk=case.pk).complainant == keep
    assert Conversation.objects.get().person == keep and CallbackRequest.objects.get().person == keep
    assert ConsentEvent.objects.filter(person=keep).count() == consent_steps
    assert moved["complaints"] == 1 and moved["bot conversations"] == 2 and moved["activities attended"] == 1
    keep.refresh_from_db()
    assert keep.name == "Ma Hnin Wai"  # kept's own details win
    assert (keep.phone, keep.card_number, keep.nrc_key, keep.consent_share) == ("+959451234000", "NDG-0042", "12/MYK(N)482913", True)
    reason = f"merged #{gone.pk} into #{keep.pk}"
    assert keep.history.first().history_change_reason == reason
    assert Person.history.filter(id=gone.pk, history_type="-").get().history_change_reason == reason
    assert Complaint.history.filter(id=case.pk).first().history_change_reason == reason
    assert Contact.history.filter(person_id=keep.pk, history_change_reason=reason).count() == 2


def test_only_two_records_of_one_of_my_centres_merge(centre, other_centre, staff):
    keep, gone, _activity, _case = registered_twice(centre, staff)
    elsewhere = person_create(centre=other_centre, name="Ma Hnin", gender="woman", consent_record=True)
    with pytest.raises(ValidationError):
        person_merge(keep=keep, gone=keep, user=staff)
    with pytest.raises(ValidationError):
        person_merge(keep=keep, gone=elsewhere, user=staff)
    with pytest.raises(PermissionDenied):
        person_merge(keep=keep, gone=gone, user=member("staff", other_centre, username="tcl"))
    assert Person.objects.filter(pk=gone.pk).exists()


def test_merging_keeps_the_report_rollups_equal_to_the_raw_records(centre, staff):
    """Two records of one woman seen in a closed quarter become one person in the table, and the rollups agree."""
    import datetime as dt

    from django.core.management import call_command

    from helpdesk.reports.table import BY_QUARTER, ReportFilter, beneficiary_table

    first = person_create(centre=centre, created_by=staff, name="Ma Hnin Wai", gender="woman", consent_record=True)
    second = person_create(centre=centre, created_by=staff, name="မနှင်းဝေ", gender="woman", consent_record=True)
    last_year = dt.date.today().year - 1
    ContactFactory(centre=centre, person=first, date=dt.date(last_year, 2, 3), gender="woman")
    ContactFactory(centre=centre, person=second, date=dt.date(last_year, 5, 6), gender="woman")
    ActivityFactory(centre=centre, date=dt.date(last_year, 5, 7)).attendees.add(second)
    call_command("rebuild_rollups")
    report = ReportFilter(start=dt.date(last_year, 1, 1), end=dt.date(last_year, 12, 31), by=BY_QUARTER)
    before = beneficiary_table(report)
    person_merge(keep=first, gone=second, user=staff)
    after = beneficiary_table(report)
    assert after == beneficiary_table(report, rollups=False)  # the rollups were kept exact in the merge
    assert after != before  # two records of one person now count once among the unique persons
    call_command("rebuild_rollups", "--check")
