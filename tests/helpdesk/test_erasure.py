"""Erasing a person: every figure identical before and after, and no trace of the name or phone in any table.

The person has every kind of record (contacts, attendance, a referral, a case with its story, timeline
and payments, an SMS conversation through the real webhook, a call-back request, admin log and import
errors, several history versions). The scan reads every row of every table through the database's own
introspection, so a table added later that keeps the name fails here. Run on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from bots.models import CallbackRequest, Conversation, InboundMessage, OutboundMessage
from complaints.models import Complaint, Reimbursement, TimelineEntry
from complaints.reports import complaint_outcomes
from complaints.services import complaint_add_note, complaint_open, complaint_update, reimbursement_record
from helpdesk.erasure import erasure_cancel, erasure_confirm, erasure_request
from helpdesk.models import Activity, Contact, ContactImport, ErasureRequest, Person, Referral
from helpdesk.reports.table import BY_YEAR, ReportFilter, beneficiary_table
from helpdesk.services import consent_give, consent_withdraw, person_create, person_update
from helpdesk.transfers import transfer_refuse, transfer_request
from tests.bots.conftest import bot_settings, load, post_twilio  # noqa: F401  (bot_settings: the channel secrets)
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    CentreFactory,
    ContactFactory,
    PersonFactory,
    ReferralFactory,
    member,
)

pytestmark = pytest.mark.django_db

LATIN = "Daw Khinmyint Ayezqx"
BURMESE = "ဒေါ်ခင်မြင့်အေး"
ZAWGYI = "ေဒၚခင္ျမင့္ေအး"  # the same name typed on a Zawgyi phone
PHONE = "+959451234987"
LOCAL = ("09451234987", "09 451 234 987", "959451234987", "451234987")
NRC, NRC_KEY, PASSPORT = "12/MaYaKa(N)482913", "12/MYK(N)482913", "MC482913"  # typed, its key, a Myanmar passport
NEEDLES = (LATIN, "Ayezqx", BURMESE, "ခင်မြင့်အေး", ZAWGYI, "ခင္ျမင့္ေအး", PHONE, *LOCAL, NRC, NRC_KEY, PASSPORT)
STORY = f"{BURMESE} ({LATIN}, {PHONE}) paid Golden Star agency 1,500,000 kyat for a job that did not exist"


@pytest.fixture
def managers(centre):
    return member("manager", centre, username="manager1"), member("manager", centre, username="manager2")


def sms(client, sid: str, body: str):
    form = {**load("twilio_sms"), "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "Body": body, "From": PHONE}
    assert post_twilio(client, "twilio_sms", form).status_code == 200


def person_with_every_record(client, centre, manager) -> Person:
    """A migrant known to the centre through every door, with edits so each history table holds versions."""
    person = person_create(centre=centre, created_by=manager, name=BURMESE, phone=PHONE, gender="woman", birth_year=1991,
                           card_number="NDG-ZQX-0417", nrc=NRC, passport_number="mc 482-913", origin_township="Hpa-an", origin_region="Kayin",
                           migration_status="returned", destination_country="TH", consent_record=True)
    person_update(person=person, birth_year=1990)
    for days, notes in ((40, f"{LATIN} asked about Thailand jobs, phone {LOCAL[1]}"), (3, f"{ZAWGYI} came back")):
        contact = ContactFactory(centre=centre, person=person, date=timezone.localdate() - dt.timedelta(days=days), notes="first")
        contact.notes = notes
        contact.save()
    ContactFactory(centre=centre, person=person, notes=f"logged twice by mistake: {LATIN}").delete()  # its history stays
    activity = ActivityFactory(centre=centre, notes="Sunday dialogue")
    activity.attendees.add(person)
    activity.notes = f"Sunday dialogue; {BURMESE} told her story, call her on {PHONE}"
    activity.save()
    consent_give(person=person, scopes=["share"], method="in_person", by=manager)
    consent_withdraw(person=person, scope="share", method="phone", by=manager,
                     reason=f"{LATIN} phoned from {LOCAL[1]}: her husband must not learn of the referral")
    consent_give(person=person, scopes=["share"], method="in_person", by=manager)
    referral = ReferralFactory(centre=centre, person=person, reason=f"{LATIN} needs legal advice")
    referral.outcome_notes = f"Called {PHONE}"
    referral.save()

    agency = AgencyFactory()
    case = complaint_open(centre=centre, complainant=person, opened_by=manager, grievances=["overcharged_fees"],
                          agency=agency, employer="Siam Seafood Co", description=STORY, amount_claimed=Decimal("1500000"))
    complaint_update(complaint=case, by=manager, description=f"{STORY}. Broker phoned {LOCAL[0]}.")
    complaint_add_note(complaint=case, by=manager, text=f"Spoke with {BURMESE} on {LOCAL[0]}")
    reimbursement_record(complaint=case, recorded_by=manager, kind="fee_reimbursement", payer="Golden Star agency",
                         amount_mmk=Decimal("600000"), note=f"cash handed to {LATIN}")
    reimbursement_record(complaint=case, recorded_by=manager, kind="compensation", payer=BURMESE, amount_mmk=Decimal("50000"))

    sms(client, "SM" + "1" * 32, "hi")
    sms(client, "SM" + "2" * 32, f"{ZAWGYI} ပါ {STORY}")
    conversation = Conversation.objects.get(channel="sms", external_user_id=PHONE)
    conversation.person, conversation.display_name = person, LATIN
    conversation.save()
    conversation.complaints.add(case)
    OutboundMessage.objects.create(conversation=conversation, text=f"{BURMESE}, we will call {LOCAL[0]}", status="failed",
                                   last_error=f"21211 invalid To number {PHONE}")
    callback = CallbackRequest.objects.create(conversation=conversation, centre=centre, person=person, name=LATIN, phone=PHONE)
    callback.topic = "jobs"
    callback.save()

    LogEntry.objects.log_actions(user_id=manager.pk, queryset=[person], action_flag=CHANGE, change_message=f"Changed phone {PHONE}")
    ContactImport.objects.create(file_name="register.xlsx", status="done", result={"errors": [[7, f"phone {LOCAL[0]}: duplicate of {BURMESE}"]]})
    asking = CentreFactory(code="TCL")
    transfer = transfer_request(from_centre=centre, to_centre=asking, user=member("staff", asking, username="tcl-staff"),
                                nrc=NRC, reason=f"{BURMESE} moved to Tachileik, NRC {NRC}, passport {PASSPORT}")
    transfer_refuse(transfer=transfer, user=manager)
    return person


def figures() -> tuple:
    year = timezone.localdate().year
    report = ReportFilter(start=dt.date(year - 1, 1, 1), end=dt.date(year, 12, 31), by=BY_YEAR)
    contacts = sorted(Contact.objects.values_list("date", "centre_id", "service", "channel", "gender", "person_id"))
    agency_totals = sorted(Complaint.objects.values_list("agency_id").annotate(cases=Count("id", distinct=True),
                                                                              mmk=Sum("reimbursements__amount_mmk")))
    people = sorted(Person.objects.values_list("pk", "centre_id", "gender", "migration_status", "destination_country"))
    attendance = sorted(Person.activities.through.objects.values_list("activity_id", "person_id"))
    cases = sorted(Complaint.objects.values_list("reference", "stage", "outcome", "amount_claimed", "agency_id", "employer"))
    payments = sorted(Reimbursement.objects.values_list("complaint_id", "date", "kind", "amount_mmk"))
    return beneficiary_table(report), complaint_outcomes(report), agency_totals, contacts, people, attendance, cases, payments


def traces() -> list[str]:
    """Every table, every row, every column as the database returns it: where does a needle still appear?"""
    forms = {n for needle in NEEDLES for n in (needle, json.dumps(needle)[1:-1])}  # JSON on SQLite escapes Burmese
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = bytes(value).decode("utf-8", "replace") if isinstance(value, (bytes, memoryview)) else str(value)
                    found += [f"{table}.{column}: {form}" for form in forms if form in text]
    return sorted(set(found))


def test_erasing_keeps_every_figure_and_leaves_no_trace_of_the_name_or_phone(client, centre, managers):
    first, second = managers
    person = person_with_every_record(client, centre, first)
    bystander = PersonFactory(centre=centre, name="U Maung Maung", phone="+959451111222")
    ContactFactory(centre=centre, person=bystander, notes="U Maung Maung asked about Malaysia")
    found = traces()
    for table in ("helpdesk_person", "helpdesk_historicalperson", "helpdesk_contact", "helpdesk_historicalcontact",
                  "complaints_complaint", "complaints_historicalcomplaint", "complaints_timelineentry", "bots_inboundmessage",
                  "bots_outboundmessage", "bots_conversation", "bots_historicalconversation", "bots_callbackrequest",
                  "bots_historicalcallbackrequest", "django_admin_log", "helpdesk_contactimport", "helpdesk_activity",
                  "helpdesk_transferrequest", "helpdesk_historicaltransferrequest"):
        assert any(t.startswith(f"{table}.") for t in found), f"the scan should find the name or phone in {table} first"
    before = figures()

    erasure = erasure_request(person=person, user=first, reason=f"{BURMESE} asked in person on 28 November, call {LOCAL[0]}")
    counts = erasure_confirm(erasure=erasure, user=second)

    assert traces() == []
    assert figures() == before
    person.refresh_from_db()
    assert person.erased_at and person.gender == "woman" and person.migration_status == "returned"
    assert Person.objects.search(PHONE).count() == 0 and Person.objects.search("Ayezqx").count() == 0
    assert Person.objects.search("ခင်မြင့်").count() == 0
    assert counts["complaints"] == 1 and counts["bot conversations"] == 1 and counts["people"] == 1
    erasure.refresh_from_db()
    assert erasure.status == "done" and erasure.decided_by == second and erasure.reason == "[erased] asked in person on 28 November, call [erased]"
    # the bystander keeps everything
    assert Person.objects.get(pk=bystander.pk).name == "U Maung Maung"
    assert Contact.objects.get(person=bystander).notes == "U Maung Maung asked about Malaysia"
    # rows stay, texts go; the case says what happened without saying who
    assert InboundMessage.objects.count() == 2 and set(InboundMessage.objects.values_list("text", flat=True)) == {""}
    conversation = Conversation.objects.get()
    assert conversation.external_user_id == f"erased:{conversation.pk}" and not conversation.subscribed
    assert TimelineEntry.objects.filter(text__contains=f"erasure request #{erasure.pk}").count() == 1
    assert Referral.objects.get().target == "social_welfare"
    assert Activity.objects.get().notes == "Sunday dialogue; [erased] told her story, call her on [erased]"


def test_the_requester_cannot_confirm_their_own_request(centre, managers):
    first, second = managers
    person = PersonFactory(centre=centre, name="Ma Hla")
    erasure = erasure_request(person=person, user=first, reason="asked by phone")
    with pytest.raises(PermissionDenied):
        erasure_confirm(erasure=erasure, user=first)
    person.refresh_from_db()
    assert person.name == "Ma Hla" and not person.erased_at


def test_an_admin_confirms_and_staff_or_another_centres_manager_cannot(centre, other_centre, managers):
    first, _second = managers
    person = PersonFactory(centre=centre, name="Ma Hla")
    with pytest.raises(PermissionDenied):
        erasure_request(person=person, user=member("staff", centre), reason="asked")
    erasure = erasure_request(person=person, user=first, reason="asked by phone")
    for outsider in (member("staff", centre), member("manager", other_centre)):
        with pytest.raises(PermissionDenied):
            erasure_confirm(erasure=erasure, user=outsider)
    erasure_confirm(erasure=erasure, user=member("admin", other_centre))
    assert Person.objects.get(pk=person.pk).name == ""


def test_a_reason_is_required_and_one_request_waits_at_a_time(centre, managers):
    first, second = managers
    person = PersonFactory(centre=centre)
    with pytest.raises(ValidationError) as error:
        erasure_request(person=person, user=first, reason="  ")
    assert "reason" in error.value.message_dict
    erasure = erasure_request(person=person, user=first, reason="asked")
    with pytest.raises(ValidationError):
        erasure_request(person=person, user=second, reason="asked again")
    erasure_cancel(erasure=erasure, user=second)
    with pytest.raises(ValidationError):
        erasure_confirm(erasure=ErasureRequest.objects.get(pk=erasure.pk), user=second)
    assert Person.objects.get(pk=person.pk).name == person.name
    erasure_request(person=person, user=second, reason="asked again")  # a new request after a cancelled one


def test_an_erased_person_cannot_be_erased_twice(centre, managers):
    first, second = managers
    person = PersonFactory(centre=centre)
    erasure_confirm(erasure=erasure_request(person=person, user=first, reason="asked"), user=second)
    with pytest.raises(ValidationError):
        erasure_request(person=person, user=first, reason="again")


def test_an_erased_person_cannot_be_filled_in_again(centre, managers):
    first, second = managers
    person = PersonFactory(centre=centre)
    erasure_confirm(erasure=erasure_request(person=person, user=first, reason="asked"), user=second)
    with pytest.raises(ValidationError, match="erased on request"):
        person_update(person=Person.objects.get(pk=person.pk), name="Ma Hla")
    assert Person.objects.get(pk=person.pk).name == ""


def test_nothing_new_is_added_to_an_erased_person(centre, managers):
    """Their record is an anonymous fact for the figures: a new contact or attendance would start a new story."""
    from helpdesk.services import activity_add_attendee, contact_log

    first, second = managers
    person = PersonFactory(centre=centre)
    activity = ActivityFactory(centre=centre)
    erasure_confirm(erasure=erasure_request(person=person, user=first, reason="asked"), user=second)
    person = Person.objects.get(pk=person.pk)
    with pytest.raises(ValidationError, match="nothing new can be added"):
        contact_log(centre=centre, staff=first, service="drop_in", channel="walk_in", person=person, gender="woman")
    with pytest.raises(ValidationError, match="nothing new can be added"):
        activity_add_attendee(activity=activity, person=person)
    assert not Contact.objects.filter(person=person, staff=first).exists() and not activity.attendees.exists()
