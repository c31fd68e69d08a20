"""Opening cases (references, the complaint contact, sensitive and minor flags) and recording money."""
import threading
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from complaints.choices import EntryKind
from complaints.models import Complaint, Reimbursement, TimelineEntry
from complaints.services import (
    AMOUNT_POSITIVE,
    ASSIGNEE_NOT_AT_CENTRE,
    COMPLAINANT_OTHER_CENTRE,
    FOREIGN_AMOUNT_REQUIRED,
    GRIEVANCE_REQUIRED,
    NOT_MANAGER_UNMARK_SENSITIVE,
    complaint_add_note,
    complaint_open,
    complaint_reassign,
    complaint_update,
    is_minor_at,
    reimbursement_correct,
    reimbursement_record,
    reimbursement_remove,
)
from helpdesk.models import Contact
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db


def test_reference_is_centre_year_sequence_per_centre(open_case, other_centre):
    year = timezone.localdate().year
    first, second = open_case(), open_case()
    assert (first.reference, second.reference) == (f"NDG-{year}-0001", f"NDG-{year}-0002")
    elsewhere = complaint_open(
        centre=other_centre, complainant=PersonFactory(centre=other_centre), opened_by=None, grievances=["other"]
    )
    assert elsewhere.reference == f"TCL-{year}-0001"


def test_reference_year_is_the_yangon_year_of_opening(open_case):
    from datetime import datetime

    # 31 December 18:00 UTC is already 1 January 00:30 in Yangon.
    new_year = open_case(opened_at=datetime(2024, 12, 31, 18, 0, tzinfo=UTC))
    old_year = open_case(opened_at=datetime(2024, 12, 31, 17, 0, tzinfo=UTC))
    assert (new_year.reference, old_year.reference) == ("NDG-2025-0001", "NDG-2024-0001")
    assert str(new_year.intake_contact.date) == "2025-01-01"


def test_opening_records_a_complaint_contact_in_the_beneficiary_table(open_case, staff, person):
    case = open_case(grievances=["overcharged_fees", "documents_withheld"], channel="viber")
    contact = Contact.objects.get()
    assert (contact.service, contact.channel, contact.person, contact.staff) == ("complaint", "viber", person, staff)
    assert contact.gender == "woman" and case.intake_contact == contact
    assert sorted(contact.topic_codes) == ["legal_advice", "recruitment_costs"]
    assert case.reference in contact.notes
    assert sorted(case.grievance_codes) == ["documents_withheld", "overcharged_fees"]
    assert TimelineEntry.objects.get(complaint=case).kind == EntryKind.OPENED


def test_staff_opening_a_case_carry_it_and_bot_intake_stays_unassigned(open_case, centre, person, staff):
    assert open_case().assigned_to == staff
    by_bot = complaint_open(centre=centre, complainant=person, opened_by=None, grievances=["underpaid_wages"], channel="telegram")
    assert by_bot.assigned_to is None and by_bot.opened_by is None
    assert by_bot.intake_contact.staff is None and by_bot.intake_contact.channel == "telegram"


@pytest.mark.parametrize("grievance", ["physical_abuse", "sexual_abuse", "trafficking"])
def test_abuse_and_trafficking_make_a_case_sensitive_and_keep_details_out_of_the_contact(open_case, grievance):
    case = open_case(grievances=["overcharged_fees", grievance], description="Beaten by the supervisor")
    assert case.sensitive
    # Every staff member of the centre sees the person's contacts: nothing there may hint at the case.
    assert case.intake_contact.notes == ""
    assert case.intake_contact.topic_codes == ["legal_advice"]


def test_other_grievances_are_not_sensitive_unless_asked(open_case):
    assert not open_case().sensitive
    assert open_case(sensitive=True).sensitive


def test_birth_year_flags_complainants_who_may_be_under_18(open_case, centre):
    year = timezone.localdate().year
    child = PersonFactory(centre=centre, birth_year=year - 16)
    just_18 = PersonFactory(centre=centre, birth_year=year - 18)
    adult = PersonFactory(centre=centre, birth_year=year - 19)
    assert open_case(complainant=child).is_minor
    assert open_case(complainant=just_18).is_minor  # may still be 17: doubt counts as a child
    assert not open_case(complainant=adult).is_minor
    assert not open_case(complainant=PersonFactory(centre=centre, birth_year=None)).is_minor
    assert is_minor_at(2010, timezone.localdate().replace(year=2027))


def test_bad_intake_is_refused_and_nothing_is_saved(open_case, other_centre):
    with pytest.raises(ValidationError) as error:
        open_case(grievances=[])
    assert error.value.message_dict["grievances"] == [str(GRIEVANCE_REQUIRED)]
    with pytest.raises(ValidationError) as error:
        open_case(complainant=PersonFactory(centre=other_centre))
    assert error.value.message_dict["complainant"] == [str(COMPLAINANT_OTHER_CENTRE)]
    with pytest.raises(ValidationError) as error:
        open_case(amount_claimed=Decimal("-5"))
    assert "amount_claimed" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        open_case(assigned_to=member("staff", other_centre))
    assert error.value.message_dict["assigned_to"] == [str(ASSIGNEE_NOT_AT_CENTRE)]
    assert not Complaint.objects.exists() and not Contact.objects.exists()
    # The failed attempts used no number.
    assert open_case().reference.endswith("-0001")


def test_zawgyi_description_is_stored_as_unicode(open_case):
    case = open_case(description="ေအးဂ်င္စီက ပိုက္ဆံ မျပန္ေပးဘူး", employer="ေရႊ စက္ရုံ")
    assert case.description == "အေးဂျင်စီက ပိုက်ဆံ မပြန်ပေးဘူး"
    assert case.employer == "ရွှေ စက်ရုံ"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_opening_cases_at_the_same_instant_never_share_a_reference():
    centre = CentreFactory(code="NDG")
    people = [PersonFactory(centre=centre) for _ in range(2)]
    per_thread = 15
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def intake(person):
        try:
            barrier.wait()
            for _ in range(per_thread):
                complaint_open(centre=centre, complainant=person, opened_by=None, grievances=["overcharged_fees"])
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=intake, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = list(Complaint.objects.values_list("reference", flat=True))
    year = timezone.localdate().year
    assert len(references) == len(set(references)) == 2 * per_thread
    assert sorted(references) == [f"NDG-{year}-{n:04d}" for n in range(1, 2 * per_thread + 1)]


# Notes, reassignment, details ----------------------------------------------------

def test_note_and_action_go_on_the_timeline_and_set_follow_up(open_case, staff):
    case = open_case()
    day = timezone.localdate() + timedelta(days=7)
    complaint_add_note(complaint=case, by=staff, text="Called the agency", kind="action", next_follow_up=day)
    case.refresh_from_db()
    assert case.next_follow_up == day
    assert case.timeline.last().text == "Called the agency" and case.timeline.last().kind == "action"
    with pytest.raises(ValidationError):
        complaint_add_note(complaint=case, by=staff, text="   ")


def test_reassign_only_to_staff_of_the_centre(open_case, centre, other_centre, manager):
    case = open_case()
    colleague = member("staff", centre, username="colleague")
    complaint_reassign(complaint=case, by=manager, assigned_to=colleague, reason="Leave")
    assert Complaint.objects.get(pk=case.pk).assigned_to == colleague
    assert "colleague" in case.timeline.last().text
    with pytest.raises(ValidationError):
        complaint_reassign(complaint=case, by=manager, assigned_to=member("staff", other_centre))


def test_only_a_manager_may_unmark_a_sensitive_case(open_case, staff, manager):
    case = open_case(grievances=["sexual_abuse"])
    with pytest.raises(ValidationError) as error:
        complaint_update(complaint=case, by=staff, sensitive=False)
    assert error.value.message_dict["sensitive"] == [str(NOT_MANAGER_UNMARK_SENSITIVE)]
    assert not complaint_update(complaint=case, by=manager, sensitive=False).sensitive


def test_changing_grievances_to_abuse_makes_the_case_sensitive(open_case, staff):
    case = open_case()
    complaint_update(complaint=case, by=staff, grievances=["overcharged_fees", "physical_abuse"])
    case.refresh_from_db()
    assert case.sensitive and sorted(case.grievance_codes) == ["overcharged_fees", "physical_abuse"]


def test_claimed_amount_change_is_in_history(open_case, staff):
    case = open_case(amount_claimed=Decimal("1500000"))
    complaint_update(complaint=case, by=staff, amount_claimed=Decimal("1800000.50"))
    amounts = [h.amount_claimed for h in case.history.order_by("history_id")]
    assert amounts == [Decimal("1500000.00"), Decimal("1800000.50")]
    assert case.timeline.last().kind == EntryKind.UPDATED


# Money ----------------------------------------------------------------------------

def test_partial_payments_add_up_exactly(open_case, staff):
    case = open_case(amount_claimed=Decimal("1500000"))
    for amount in ("500000.10", "250000.20", "0.70"):
        reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Agency", amount_mmk=Decimal(amount))
    total = Complaint.objects.with_recovered().get(pk=case.pk).recovered
    assert total == Decimal("750001.00") and isinstance(total, Decimal)
    assert [e.kind for e in case.timeline.all()][-3:] == ["payment"] * 3


def test_foreign_currency_payment_stores_the_mmk_value(open_case, staff):
    case = open_case()
    baht = reimbursement_record(
        complaint=case, recorded_by=staff, kind="back_wages", payer="Employer", currency="THB",
        original_amount=Decimal("12000"), exchange_rate=Decimal("118.35"),
    )
    assert baht.amount_mmk == Decimal("1420200.00")
    ringgit = reimbursement_record(
        complaint=case, recorded_by=staff, kind="compensation", payer="Employer", currency="MYR",
        original_amount=Decimal("3"), amount_mmk=Decimal("2000"),
    )
    assert ringgit.exchange_rate == Decimal("666.666667")
    with pytest.raises(ValidationError) as error:
        reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="X", currency="THB", exchange_rate=Decimal("1"))
    assert error.value.message_dict["original_amount"] == [str(FOREIGN_AMOUNT_REQUIRED % {"currency": "THB"})]


def test_bad_payments_are_refused(open_case, staff):
    case = open_case()
    with pytest.raises(ValidationError) as error:
        reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="X", amount_mmk=Decimal("0"))
    assert error.value.message_dict["amount_mmk"] == [str(AMOUNT_POSITIVE)]
    with pytest.raises(ValidationError) as error:
        reimbursement_record(
            complaint=case, recorded_by=staff, kind="compensation", payer="X", amount_mmk=Decimal("5"),
            date=timezone.localdate() + timedelta(days=1),
        )
    assert "date" in error.value.message_dict
    with pytest.raises(ValidationError):
        reimbursement_record(complaint=case, recorded_by=staff, kind="gift", payer="X", amount_mmk=Decimal("5"))
    assert not Reimbursement.objects.exists()


def test_every_money_change_is_in_history(open_case, staff, manager):
    case = open_case()
    payment = reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Agency", amount_mmk=Decimal("300000"))
    reimbursement_correct(payment=payment, by=manager, reason="Receipt says 350,000", amount_mmk=Decimal("350000"))
    history = list(payment.history.order_by("history_id"))
    assert [(h.history_type, h.amount_mmk) for h in history] == [("+", Decimal("300000.00")), ("~", Decimal("350000.00"))]
    entry = case.timeline.last()
    assert entry.kind == EntryKind.PAYMENT_CORRECTED and "300,000 → 350,000 MMK" in entry.text and entry.author == manager
    with pytest.raises(ValidationError):
        reimbursement_correct(payment=payment, by=manager, reason="", amount_mmk=Decimal("1"))


def test_correcting_a_foreign_amount_recomputes_mmk(open_case, staff):
    case = open_case()
    payment = reimbursement_record(
        complaint=case, recorded_by=staff, kind="back_wages", payer="Employer", currency="THB",
        original_amount=Decimal("1000"), exchange_rate=Decimal("100"),
    )
    reimbursement_correct(payment=payment, by=staff, reason="Typo", original_amount=Decimal("1200"))
    payment.refresh_from_db()
    assert payment.amount_mmk == Decimal("120000.00")


def test_only_a_manager_removes_a_payment_and_the_history_keeps_it(open_case, staff, manager):
    case = open_case()
    keep = reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Agency", amount_mmk=Decimal("300000"))
    twice = reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Agency", amount_mmk=Decimal("300000"))
    with pytest.raises(ValidationError):
        reimbursement_remove(payment=twice, by=staff, reason="Entered twice")
    with pytest.raises(ValidationError):
        reimbursement_remove(payment=twice, by=manager, reason=" ")
    twice_id = twice.pk
    reimbursement_remove(payment=twice, by=manager, reason="Entered twice")
    assert list(case.reimbursements.all()) == [keep]
    assert Complaint.objects.with_recovered().get(pk=case.pk).recovered == Decimal("300000")
    removed = Reimbursement.history.filter(id=twice_id).order_by("history_id")
    assert [(h.history_type, h.amount_mmk) for h in removed] == [("+", Decimal("300000.00")), ("-", Decimal("300000.00"))]
    entry = case.timeline.last()
    assert entry.kind == EntryKind.PAYMENT_REMOVED and entry.author == manager and "Entered twice" in entry.text
