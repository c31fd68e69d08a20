"""Complaint outcomes: counts per period, stage, grievance, gender, centre and agency; MMK claimed and recovered."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints.reports import complaint_outcomes
from helpdesk.reports.table import BY_QUARTER, ReportFilter
from tests.factories import AgencyFactory, ComplaintFactory, PersonFactory, ReimbursementFactory, member

pytestmark = pytest.mark.django_db
YANGON = ZoneInfo("Asia/Yangon")
RANGE = {"start": "2024-01-01", "end": "2024-06-30", "by": "quarter"}


def at(*args):
    return datetime(*args, tzinfo=YANGON)


@pytest.fixture
def cases(centre, other_centre):
    golden = AgencyFactory(licence_number="101/2019", name_en="Golden Land")
    ma = PersonFactory(centre=centre, gender="woman", name="Ma Hla")
    ko = PersonFactory(centre=centre, gender="man", name="Ko Zaw")
    # opened 1 Jan 2024 00:10 in Yangon = 31 Dec 2023 in UTC: counts in 2024 Q1
    paid = ComplaintFactory(centre=centre, complainant=ma, agency=golden, opened_at=at(2024, 1, 1, 0, 10),
                            stage="resolved", outcome="reimbursed", closed_at=at(2024, 5, 2, 9), amount_claimed=Decimal("1500000.00"),
                            grievances=["overcharged_fees", "documents_withheld"])
    ComplaintFactory(centre=centre, complainant=ko, agency=golden, opened_at=at(2024, 2, 3, 10), stage="negotiation",
                     amount_claimed=Decimal("800000.50"), sensitive=True, grievances=["underpaid_wages"])
    ComplaintFactory(centre=centre, complainant=ko, opened_at=at(2024, 4, 3, 10), stage="closed_unresolved",
                     closed_at=at(2024, 6, 30, 23, 50), amount_claimed=None)
    ComplaintFactory(centre=centre, complainant=ma, opened_at=at(2023, 12, 31, 23, 0), stage="intake")  # before the range
    ComplaintFactory(centre=other_centre, opened_at=at(2024, 2, 1, 10), stage="intake")  # another centre
    ReimbursementFactory(complaint=paid, amount_mmk=Decimal("1000000.00"), date=date(2024, 3, 1))
    ReimbursementFactory(complaint=paid, amount_mmk=Decimal("500000.25"), date=date(2024, 5, 1))
    return paid


def test_outcomes_per_period_and_breakdowns(centre, cases):
    result = complaint_outcomes(ReportFilter(start=date(2024, 1, 1), end=date(2024, 6, 30), by=BY_QUARTER, centre_ids=(centre.pk,)))
    q1, q2 = result.by_period
    assert (q1.opened, q1.resolved, q1.claimed, q1.recovered) == (2, 0, Decimal("2300000.50"), Decimal("1000000.00"))
    assert (q2.opened, q2.resolved, q2.closed_unresolved, q2.recovered) == (1, 1, 1, Decimal("500000.25"))
    assert result.total.opened == 3 and result.total.recovered == Decimal("1500000.25")
    assert isinstance(result.total.claimed, Decimal)
    assert dict((code, n) for code, _label, n in result.open_by_stage)["negotiation"] == 1
    grievances = {code: n for code, _label, n in result.by_grievance}
    assert grievances["overcharged_fees"] == 2 and grievances["documents_withheld"] == 1 and grievances["underpaid_wages"] == 1
    assert {code: n for code, _label, n in result.by_gender} == {"woman": 1, "man": 2, "other": 0, "undisclosed": 0}
    assert result.by_centre == [{"code": "NDG", "name": centre.name, "opened": 3, "claimed": Decimal("2300000.50"),
                                 "recovered": Decimal("1500000.25")}]
    assert result.top_agencies == [{"licence_number": "101/2019", "name": "Golden Land", "complaints": 2}]


def test_outcomes_page_for_officers_has_numbers_and_no_names(client, centre, cases):
    client.force_login(member("officer", centre))
    for url in (reverse("complaints:outcomes"), reverse("complaints:outcomes_csv"), reverse("helpdesk:reports")):
        response = client.get(url, RANGE)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert "Ma Hla" not in body and "Ko Zaw" not in body, url
    page = client.get(reverse("complaints:outcomes"), RANGE).content.decode()
    assert "1,500,000" in page and "Golden Land" in page
    report_page = client.get(reverse("helpdesk:reports"), RANGE).content.decode()
    assert 'id="complaint-outcomes-section"' in report_page


def test_staff_and_strangers_get_no_outcomes(client, centre, cases):
    client.force_login(member("staff", centre))
    assert client.get(reverse("complaints:outcomes"), RANGE).status_code == 403
    client.logout()
    assert client.get(reverse("complaints:outcomes_csv"), RANGE).status_code == 302


def test_manager_of_another_centre_sees_only_their_centre(client, other_centre, cases):
    client.force_login(member("manager", other_centre))
    result = client.get(reverse("complaints:outcomes"), RANGE).context["outcomes"]
    assert result.total.opened == 1 and result.total.recovered == 0
