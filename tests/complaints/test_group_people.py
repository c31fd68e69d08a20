"""Group members through a person's erasure and the merge of two records: the numbers stay exact."""
from datetime import date
from decimal import Decimal

import pytest

from complaints import group
from complaints.models import Complaint, ComplaintMember, TimelineEntry
from complaints.services import complaint_open, reimbursement_record
from helpdesk.erasure import erasure_confirm, erasure_request
from helpdesk.merge import person_merge
from helpdesk.models import Contact
from helpdesk.reports import rollups
from helpdesk.reports.table import BY_YEAR, ReportFilter, beneficiary_table
from tests.factories import PersonFactory, member

pytestmark = pytest.mark.django_db


def _complaint_cell(use_rollups=True):
    report = ReportFilter(start=date(2026, 1, 1), end=date(2026, 12, 31), by=BY_YEAR)
    return beneficiary_table(report, rollups=use_rollups).row("complaint").cells[0]


@pytest.fixture
def group_case(centre):
    manager = member("manager", centre)
    lead = PersonFactory(centre=centre, name="Ma Hla", gender="woman")
    case = complaint_open(centre=centre, complainant=lead, opened_by=manager, grievances=["overcharged_fees"],
                          description="Ko Zaw Min and Ma Hla paid the agency 3,000,000", amount_claimed=Decimal("2000000"))
    return case, manager


def test_erasing_a_member_scrubs_their_name_and_keeps_every_figure(centre, group_case):
    case, manager = group_case
    worker = PersonFactory(centre=centre, name="Ko Zaw Min", gender="man", phone="+959451234988")
    group.complaint_member_add(complaint=case, person=worker, by=manager, amount_claimed=Decimal("1000000"))
    reimbursement_record(complaint=case, recorded_by=manager, kind="fee_reimbursement", payer="Agency", amount_mmk=Decimal("90000"),
                         note="cash for Ko Zaw Min")
    before = (_complaint_cell(), group.group_figures(case)["by_gender"], [r["received"] for r in group.group_figures(case)["rows"]])

    erasure = erasure_request(person=worker, user=manager, reason="asked")
    erasure_confirm(erasure=erasure, user=member("manager", centre))

    case.refresh_from_db()
    assert case.description == "[erased] and Ma Hla paid the agency 3,000,000"  # the group's story stays for the others
    assert not TimelineEntry.objects.filter(complaint=case, text__contains="Zaw Min").exists()
    assert not TimelineEntry.history.filter(complaint_id=case.pk, text__contains="Zaw Min").exists()
    assert not Complaint.history.filter(id=case.pk, description__contains="Zaw Min").exists()
    assert case.reimbursements.get().note == "cash for [erased]"
    assert case.amount_claimed == Decimal("3000000") and case.members.count() == 2
    assert (_complaint_cell(), group.group_figures(case)["by_gender"],
            [r["received"] for r in group.group_figures(case)["rows"]]) == before
    assert _complaint_cell() == _complaint_cell(use_rollups=False)


def test_merging_a_member_into_another_case_member_follows(centre, group_case):
    case, manager = group_case
    gone = PersonFactory(centre=centre, name="Ko Aung (2)", gender="man")
    group.complaint_member_add(complaint=case, person=gone, by=manager)
    keep = PersonFactory(centre=centre, name="Ko Aung", gender="man")
    person_merge(keep=keep, gone=gone, user=manager)
    assert list(case.members.values_list("person_id", flat=True)) == [case.complainant_id, keep.pk]
    assert Contact.objects.filter(service="complaint").count() == 2


def test_merging_two_members_of_one_case_leaves_one_member_and_one_contact(centre, group_case):
    case, manager = group_case
    keep = PersonFactory(centre=centre, name="Ko Aung", gender="man")
    gone = PersonFactory(centre=centre, name="Ko Aung (2)", gender="man")
    kept = group.complaint_member_add(complaint=case, person=keep, by=manager, amount_claimed=Decimal("300000"))
    twin = group.complaint_member_add(complaint=case, person=gone, by=manager, amount_claimed=Decimal("200000"))
    reimbursement_record(complaint=case, recorded_by=manager, kind="compensation", payer="Agency", amount_mmk=Decimal("7000"), member=twin)
    rollups.rebuild()
    assert _complaint_cell().man == 2

    person_merge(keep=keep, gone=gone, user=manager)

    kept.refresh_from_db()
    assert case.members.count() == 2 and kept.amount_claimed == Decimal("500000")
    assert Contact.objects.filter(service="complaint", person=keep).count() == 1
    assert kept.payments.get().amount_mmk == Decimal("7000")
    assert (_complaint_cell().man, _complaint_cell().woman) == (1, 1)
    assert _complaint_cell() == _complaint_cell(use_rollups=False)
    assert all(n == 0 for n in rollups.check().values())


def test_merging_the_lead_with_a_member_of_their_own_case(centre, group_case):
    case, manager = group_case
    duplicate = PersonFactory(centre=centre, name="Ma Hla (helpline)", gender="woman")
    group.complaint_member_add(complaint=case, person=duplicate, by=manager, amount_claimed=Decimal("5"))
    person_merge(keep=duplicate, gone=case.complainant, user=manager)
    case.refresh_from_db()
    only = ComplaintMember.objects.get(complaint=case)
    assert case.complainant == duplicate and only.person == duplicate and only.is_lead
    assert only.contact_id == case.intake_contact_id and only.amount_claimed == Decimal("2000005")
    assert Contact.objects.filter(service="complaint").count() == 1


def test_the_merge_page_counts_and_guards_group_cases_a_person_joined(centre, group_case):
    from complaints.merge import hidden_cases, visible_cases
    from tests.factories import member as user_at

    case, manager = group_case
    worker = PersonFactory(centre=centre, name="Ko Worker")
    group.complaint_member_add(complaint=case, person=worker, by=manager)
    staff = user_at("staff", centre)
    assert visible_cases(user=staff, person=worker) == 1 and not hidden_cases(user=staff, person=worker)
    Complaint.objects.filter(pk=case.pk).update(sensitive=True)
    assert visible_cases(user=staff, person=worker) == 0 and hidden_cases(user=staff, person=worker)
