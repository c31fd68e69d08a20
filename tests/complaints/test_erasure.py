"""The complaints' part of erasing a person: the story goes, every figure of the case stays."""
from decimal import Decimal

import pytest

from complaints.models import Complaint, Reimbursement, TimelineEntry
from complaints.services import complaint_open, reimbursement_record
from helpdesk.erasure import erasure_confirm, erasure_request
from tests.factories import AgencyFactory, PersonFactory, member

pytestmark = pytest.mark.django_db


def test_the_story_goes_and_the_case_figures_stay(centre):
    first, second = member("manager", centre), member("manager", centre)
    person = PersonFactory(centre=centre, name="Ma Thida", phone="+959451234987")
    agency = AgencyFactory()
    case = complaint_open(centre=centre, complainant=person, opened_by=first, grievances=["overcharged_fees", "documents_withheld"],
                          agency=agency, employer="Siam Seafood Co", description="Ma Thida paid 1,500,000 kyat",
                          amount_claimed=Decimal("1500000"), sensitive=True)
    reimbursement_record(complaint=case, recorded_by=first, kind="fee_reimbursement", payer="Ma Thida", amount_mmk=Decimal("50000"))
    reimbursement_record(complaint=case, recorded_by=first, kind="compensation", payer="Golden Star", amount_mmk=Decimal("600000"),
                         note="handed to Ma Thida in cash")
    someone_else = complaint_open(centre=centre, complainant=PersonFactory(centre=centre), opened_by=first, grievances=["other"],
                                  description="Ko Aung's story")

    erasure = erasure_request(person=person, user=first, reason="asked")
    erasure_confirm(erasure=erasure, user=second)

    case.refresh_from_db()
    assert case.description == "" and case.agency == agency and case.employer == "Siam Seafood Co" and case.sensitive
    assert case.amount_claimed == Decimal("1500000") and sorted(case.grievance_codes) == ["documents_withheld", "overcharged_fees"]
    assert sorted(Reimbursement.objects.filter(complaint=case).values_list("payer", "amount_mmk", "note")) == [
        ("Golden Star", Decimal("600000"), ""), ("[erased]", Decimal("50000"), "")]
    assert not Complaint.history.filter(id=case.pk).exclude(description="").exists()
    last = TimelineEntry.objects.filter(complaint=case).last()
    assert last.author == second and f"erasure request #{erasure.pk}" in last.text and "Ma Thida" not in last.text
    assert Complaint.objects.get(pk=someone_else.pk).description == "Ko Aung's story"
