"""Group cases in the complaint outcomes: workers covered and money by each worker's gender, never a lump sum twice."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from complaints import group
from complaints.reports import complaint_outcomes, outcomes_document
from complaints.services import complaint_open, reimbursement_record
from helpdesk.reports.table import BY_QUARTER, ReportFilter
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
YANGON = ZoneInfo("Asia/Yangon")


def test_workers_by_gender_add_up_to_the_totals_with_lump_sums_apportioned(centre, staff):
    lead = PersonFactory(centre=centre, gender="woman", name="Ma Lead")
    opened = datetime(2026, 2, 1, 10, tzinfo=YANGON)
    grouped = complaint_open(centre=centre, complainant=lead, opened_by=staff, grievances=["overcharged_fees"],
                             amount_claimed=Decimal("200000"), opened_at=opened)
    man = group.complaint_member_add(complaint=grouped, person=PersonFactory(centre=centre, gender="man"), by=staff,
                                     amount_claimed=Decimal("100000"))
    group.complaint_member_add(complaint=grouped, person=PersonFactory(centre=centre, gender="other"), by=staff)
    single = complaint_open(centre=centre, complainant=PersonFactory(centre=centre, gender="man"), opened_by=staff,
                            grievances=["underpaid_wages"], amount_claimed=Decimal("50000"), opened_at=opened)
    pay = dict(recorded_by=staff, kind="compensation", payer="Agency", date=date(2026, 3, 1))
    reimbursement_record(complaint=grouped, amount_mmk=Decimal("100000"), **pay)  # 2:1:0 -> 66,667 / 33,333 / 0
    reimbursement_record(complaint=grouped, amount_mmk=Decimal("7000"), member=man, **pay)
    reimbursement_record(complaint=single, amount_mmk=Decimal("10000"), **pay)

    report = ReportFilter(start=date(2026, 1, 1), end=date(2026, 6, 30), by=BY_QUARTER)
    result = complaint_outcomes(report)
    workers = {w.code: (w.workers, w.claimed, w.recovered) for w in result.workers}
    assert workers == {
        "woman": (1, Decimal("200000"), Decimal("66667")), "man": (2, Decimal("150000"), Decimal("50333")),
        "other": (1, Decimal("0"), Decimal("0")), "undisclosed": (0, Decimal("0"), Decimal("0")),
    }
    assert sum(w.recovered for w in result.workers) == result.total.recovered == Decimal("117000")
    assert sum(w.claimed for w in result.workers) == result.total.claimed == Decimal("350000")
    assert result.total.opened == 2  # cases, not workers
    block = next(b for b in outcomes_document(result, report).blocks if b.title == "Workers covered, by gender")
    assert block.rows[0] == ("Woman", 1, Decimal("200000"), Decimal("66667"))
