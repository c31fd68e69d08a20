"""Group cases: members, their complaint contacts in the beneficiary table, split and lump-sum payments, conversions."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from complaints import group
from complaints.models import ComplaintMember, TimelineEntry
from complaints.services import complaint_update, reimbursement_correct, reimbursement_record
from helpdesk.models import Contact
from helpdesk.reports import rollups
from helpdesk.reports.table import BY_QUARTER, ReportFilter, beneficiary_table
from tests.factories import CentreFactory, PersonFactory

pytestmark = pytest.mark.django_db
YANGON = ZoneInfo("Asia/Yangon")


@pytest.fixture
def workers(centre):
    return [
        PersonFactory(centre=centre, name="Ko Aung", gender="man"),
        PersonFactory(centre=centre, name="Ma Su", gender="woman"),
        PersonFactory(centre=centre, name="Mi Thida", gender="woman"),
    ]


def _complaint_row(start=date(2026, 1, 1), end=date(2026, 12, 31), use_rollups=True):
    report = ReportFilter(start=start, end=end, by=BY_QUARTER)
    table = beneficiary_table(report, rollups=use_rollups)
    return sum((cell for cell in table.row("complaint").cells[1:]), table.row("complaint").cells[0])


# Apportioning ------------------------------------------------------------------------------

def test_a_lump_sum_without_claims_is_split_equally_in_whole_kyat_the_remainder_to_the_lead():
    shares = group.apportion(Decimal("100000"), [("lead", None), ("b", None), ("c", None)], "lead")
    assert shares == {"lead": Decimal("33334"), "b": Decimal("33333"), "c": Decimal("33333")}
    assert sum(shares.values()) == Decimal("100000")


def test_a_lump_sum_is_split_pro_rata_to_the_claims():
    claims = [("lead", Decimal("300000")), ("b", Decimal("200000")), ("c", Decimal("100000"))]
    assert group.apportion(Decimal("100000"), claims, "lead") == {
        "lead": Decimal("50001"), "b": Decimal("33333"), "c": Decimal("16666"),
    }


def test_pyas_and_a_member_without_a_claim_go_as_the_rule_says():
    claims = [("lead", Decimal("0")), ("b", Decimal("1")), ("c", None)]
    shares = group.apportion(Decimal("1000.50"), claims, "lead")
    assert shares == {"lead": Decimal("0.50"), "b": Decimal("1000"), "c": Decimal("0")}
    assert group.apportion(Decimal("5"), [], "lead") == {}


# Members and the beneficiary table ------------------------------------------------------------

def test_n_members_are_n_complaint_contacts_in_the_table_raw_and_rolled_up(open_case, workers, staff):
    case = open_case(opened_at=datetime(2026, 2, 3, 10, tzinfo=YANGON), amount_claimed=Decimal("900000"))
    joined = datetime(2026, 3, 1, 9, tzinfo=YANGON)  # late entries from a paper form, in a closed quarter
    for person in workers:
        group.complaint_member_add(complaint=case, person=person, by=staff, amount_claimed=Decimal("100000"), joined_at=joined)
    assert case.members.count() == 4
    assert Contact.objects.filter(service="complaint").count() == 4
    assert set(case.members.values_list("contact__person_id", flat=True)) == {case.complainant_id, *(p.pk for p in workers)}
    raw = _complaint_row(use_rollups=False)
    assert (raw.woman, raw.man, raw.total) == (3, 1, 4)
    rollups.rebuild()
    assert _complaint_row() == raw
    assert all(n == 0 for n in rollups.check().values())

    member = case.members.get(person=workers[0])
    group.complaint_member_remove(member=member, by=staff, reason="joined by mistake")
    assert _complaint_row() == _complaint_row(use_rollups=False)
    assert (_complaint_row().man, _complaint_row().total) == (0, 3)
    assert all(n == 0 for n in rollups.check().values())


def test_making_a_group_keeps_the_reference_the_claim_and_the_intake_contact(open_case, workers, staff):
    case = open_case(amount_claimed=Decimal("500000"))
    reference, intake = case.reference, case.intake_contact_id
    lead = group.complaint_make_group(complaint=case, by=staff)
    assert (lead.person_id, lead.role, lead.amount_claimed, lead.contact_id) == (case.complainant_id, "lead", Decimal("500000"), intake)
    assert group.complaint_make_group(complaint=case, by=staff) == lead  # once only
    group.complaint_member_add(complaint=case, person=workers[0], by=staff, amount_claimed=Decimal("250000"))
    case.refresh_from_db()
    assert case.reference == reference and case.amount_claimed == Decimal("750000")
    assert Contact.objects.filter(service="complaint").count() == 2


def test_a_group_becomes_single_again_only_with_the_lead_alone(open_case, workers, staff):
    case = open_case(amount_claimed=Decimal("500000"))
    member = group.complaint_member_add(complaint=case, person=workers[0], by=staff)
    with pytest.raises(ValidationError) as error:
        group.complaint_make_single(complaint=case, by=staff)
    assert error.value.messages == [str(group.SINGLE_NEEDS_ONE)]
    lead = case.members.get(role="lead")
    paid = reimbursement_record(complaint=case, recorded_by=staff, kind="fee_reimbursement", payer="Agency", amount_mmk=Decimal("1000"), member=lead)
    group.complaint_member_remove(member=member, by=staff, reason="withdrew")
    group.complaint_make_single(complaint=case, by=staff)
    case.refresh_from_db()
    assert not group.is_group(case) and case.intake_contact_id is not None
    assert Contact.objects.filter(service="complaint").count() == 1
    paid.refresh_from_db()
    assert paid.member_id is None
    with pytest.raises(ValidationError):
        group.complaint_make_single(complaint=case, by=staff)


def test_members_must_be_people_of_the_centre_with_consent_and_only_once(open_case, workers, staff):
    case = open_case()
    stranger = PersonFactory(centre=CentreFactory())
    with pytest.raises(ValidationError) as error:
        group.complaint_member_add(complaint=case, person=stranger, by=staff)
    assert error.value.message_dict == {"person": [str(group.MEMBER_OTHER_CENTRE)]}
    no_consent = PersonFactory(centre=case.centre, consent_record=False)
    with pytest.raises(ValidationError):
        group.complaint_member_add(complaint=case, person=no_consent, by=staff)
    group.complaint_member_add(complaint=case, person=workers[0], by=staff)
    with pytest.raises(ValidationError) as error:
        group.complaint_member_add(complaint=case, person=workers[0], by=staff)
    assert error.value.message_dict == {"person": [str(group.MEMBER_ALREADY)]}
    with pytest.raises(ValidationError):
        group.complaint_member_add(complaint=case, person=case.complainant, by=staff)
    assert case.members.count() == 2 and Contact.objects.filter(service="complaint").count() == 2


def test_the_lead_and_members_with_payments_stay(open_case, workers, staff):
    case = open_case()
    member = group.complaint_member_add(complaint=case, person=workers[0], by=staff)
    with pytest.raises(ValidationError):
        group.complaint_member_remove(member=case.members.get(role="lead"), by=staff, reason="x")
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="Agency", amount_mmk=Decimal("5000"), member=member)
    with pytest.raises(ValidationError) as error:
        group.complaint_member_remove(member=member, by=staff, reason="x")
    assert error.value.messages == [str(group.MEMBER_HAS_PAYMENTS)]
    with pytest.raises(ValidationError):
        group.complaint_member_remove(member=member, by=staff, reason=" ")


def test_a_sensitive_group_case_gives_members_contacts_without_details(open_case, workers, staff):
    case = open_case(grievances=["overcharged_fees", "physical_abuse"])
    member = group.complaint_member_add(complaint=case, person=workers[1], by=staff)
    assert member.contact.notes == "" and list(member.contact.topics.values_list("topic", flat=True)) == ["legal_advice"]
    plain = open_case(grievances=["overcharged_fees"])
    other = group.complaint_member_add(complaint=plain, person=workers[1], by=staff)
    assert other.contact.notes == plain.reference
    assert set(other.contact.topics.values_list("topic", flat=True)) == set(plain.intake_contact.topics.values_list("topic", flat=True))


def test_the_claim_of_a_group_is_the_sum_of_its_members(open_case, workers, staff):
    case = open_case(amount_claimed=None)
    member = group.complaint_member_add(complaint=case, person=workers[0], by=staff)
    case.refresh_from_db()
    assert case.amount_claimed is None
    group.complaint_member_update(member=member, by=staff, amount_claimed=Decimal("120000"))
    case.refresh_from_db()
    assert case.amount_claimed == Decimal("120000")
    with pytest.raises(ValidationError) as error:
        complaint_update(complaint=case, by=staff, amount_claimed=Decimal("1"))
    assert error.value.message_dict == {"amount_claimed": [str(group.GROUP_CLAIM_PER_MEMBER)]}
    complaint_update(complaint=case, by=staff, amount_claimed=Decimal("120000.00"), employer="Same")  # unchanged: fine
    assert TimelineEntry.objects.filter(complaint=case, kind="members").count() == 3


# Payments ------------------------------------------------------------------------------------

def test_split_and_lump_sum_payments_give_each_member_what_they_received(open_case, workers, staff):
    case = open_case(amount_claimed=None)
    members = [group.complaint_make_group(complaint=case, by=staff)]
    members += [group.complaint_member_add(complaint=case, person=p, by=staff) for p in workers[:2]]
    pay = dict(recorded_by=staff, kind="fee_reimbursement", payer="Golden Land")
    reimbursement_record(complaint=case, amount_mmk=Decimal("100000"), **pay)  # lump sum, no claims: equal shares
    reimbursement_record(complaint=case, amount_mmk=Decimal("20000"), member=members[2], **pay)
    figures = group.group_figures(case)
    rows = {row["member"].pk: row for row in figures["rows"]}
    assert [rows[m.pk]["received"] for m in members] == [Decimal("33334"), Decimal("33333"), Decimal("53333")]
    assert rows[members[2].pk]["paid"] == Decimal("20000") and rows[members[2].pk]["apportioned"] == Decimal("33333")
    assert sum(r["received"] for r in figures["rows"]) == Decimal("120000")
    assert len(figures["lump_sums"]) == 1 and figures["by_gender"] == {"woman": 2, "man": 1}
    assert group.member_received(case, workers[1].pk) == Decimal("53333")
    assert group.member_received(case, 0) is None


def test_a_payment_for_a_member_of_another_case_is_refused(open_case, workers, staff):
    case, other = open_case(), open_case()
    member = group.complaint_member_add(complaint=other, person=workers[0], by=staff)
    with pytest.raises(ValidationError):
        reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("1"), member=member)
    payment = reimbursement_record(complaint=other, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("10"))
    reimbursement_correct(payment=payment, by=staff, reason="was for Ko Aung", member=member)
    payment.refresh_from_db()
    assert payment.member == member
    assert ComplaintMember.objects.count() == 2


def test_a_person_shared_with_the_cases_centre_can_join_as_the_complainant_could(open_case, staff):
    from helpdesk.models import PersonShare

    case = open_case()
    elsewhere = PersonFactory(centre=CentreFactory(), name="Ko Shared")
    with pytest.raises(ValidationError):
        group.complaint_member_add(complaint=case, person=elsewhere, by=staff)
    PersonShare.objects.create(person=elsewhere, centre=case.centre)
    member = group.complaint_member_add(complaint=case, person=elsewhere, by=staff)
    assert member.contact.centre_id == case.centre_id and member.contact.person_id == elsewhere.pk
