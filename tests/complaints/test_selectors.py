"""Who sees which case (the sensitive rule) and MMK totals summed in the database."""
from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404

from agencies.models import Agency
from complaints.selectors import (
    agency_complaint_summary,
    complaint_get_for_user,
    complaint_search,
    complaints_for_user,
    person_complaints,
    recovered_total,
    recovered_totals,
    reimbursement_get_for_user,
)
from tests.factories import CentreFactory, ComplaintFactory, ReimbursementFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(centre, staff):
    carrier = member("staff", centre, username="carrier")
    return {
        "plain": ComplaintFactory(centre=centre, reference="NDG-2026-0001"),
        "sensitive": ComplaintFactory(centre=centre, reference="NDG-2026-0002", sensitive=True, assigned_to=carrier),
        "unassigned_sensitive": ComplaintFactory(centre=centre, reference="NDG-2026-0003", sensitive=True),
        "elsewhere": ComplaintFactory(centre=CentreFactory(code="TCL"), reference="TCL-2026-0001"),
        "carrier": carrier,
    }


def visible(user) -> set[str]:
    return set(complaints_for_user(user).values_list("reference", flat=True))


def test_sensitive_rule(cases, centre, staff, manager, officer, admin_user):
    assert visible(staff) == {"NDG-2026-0001"}
    assert visible(cases["carrier"]) == {"NDG-2026-0001", "NDG-2026-0002"}
    assert visible(manager) == {"NDG-2026-0001", "NDG-2026-0002", "NDG-2026-0003"}
    assert visible(admin_user) == {"NDG-2026-0001", "NDG-2026-0002", "NDG-2026-0003", "TCL-2026-0001"}
    assert visible(officer) == set()
    assert visible(member("manager", CentreFactory(code="MWD"))) == set()


def test_search_and_person_cases_follow_the_rule(cases, staff):
    sensitive = cases["sensitive"]
    assert not complaint_search(staff, "NDG-2026-0002").exists()
    assert complaint_search(cases["carrier"], "ndg-2026-0002").get() == sensitive
    assert not person_complaints(staff, sensitive.complainant).exists()
    assert list(person_complaints(cases["carrier"], sensitive.complainant)) == [sensitive]


def test_access_helpers_404_for_forbidden_and_missing(cases, staff):
    payment = ReimbursementFactory(complaint=cases["sensitive"])
    for pk in (cases["sensitive"].pk, cases["elsewhere"].pk, 999999, "abc"):
        with pytest.raises(Http404):
            complaint_get_for_user(staff, pk)
    with pytest.raises(Http404):
        reimbursement_get_for_user(staff, payment.pk)
    assert reimbursement_get_for_user(cases["carrier"], payment.pk) == payment


@pytest.fixture
def payments(centre, other_centre):
    agency = Agency.objects.create(licence_number="77/2018", name_en="Shwe Agency")
    a = ComplaintFactory(centre=centre, agency=agency)
    b = ComplaintFactory(centre=centre)
    c = ComplaintFactory(centre=other_centre, agency=agency)
    ReimbursementFactory(complaint=a, amount_mmk=Decimal("100000.10"), date=date(2025, 1, 15))
    ReimbursementFactory(complaint=a, amount_mmk=Decimal("200000.20"), date=date(2025, 4, 2))
    ReimbursementFactory(complaint=b, amount_mmk=Decimal("50000"), date=date(2025, 4, 30))
    ReimbursementFactory(complaint=c, amount_mmk=Decimal("1000000"), date=date(2026, 2, 1))
    return {"agency": agency, "a": a, "b": b, "c": c}


def test_recovered_totals_by_case_centre_agency_and_period(payments, centre, other_centre, django_assert_num_queries):
    a, b, c, agency = payments["a"], payments["b"], payments["c"], payments["agency"]
    with django_assert_num_queries(1):
        by_case = {r["key"]: r["total"] for r in recovered_totals(by="case")}
    assert by_case == {a.pk: Decimal("300000.30"), b.pk: Decimal("50000.00"), c.pk: Decimal("1000000.00")}
    by_centre = {r["key"]: (r["total"], r["cases"], r["payments"]) for r in recovered_totals(by="centre")}
    assert by_centre == {centre.pk: (Decimal("350000.30"), 2, 3), other_centre.pk: (Decimal("1000000.00"), 1, 1)}
    by_agency = {r["key"]: r["total"] for r in recovered_totals(by="agency")}
    assert by_agency == {agency.pk: Decimal("1300000.30"), None: Decimal("50000.00")}
    assert [(r["key"], r["total"]) for r in recovered_totals(by="quarter")] == [
        (date(2025, 1, 1), Decimal("100000.10")), (date(2025, 4, 1), Decimal("250000.20")), (date(2026, 1, 1), Decimal("1000000.00")),
    ]
    assert [(r["key"], r["total"]) for r in recovered_totals(by="month", start=date(2025, 4, 1), end=date(2025, 4, 30))] == [
        (date(2025, 4, 1), Decimal("250000.20")),
    ]
    assert [r["total"] for r in recovered_totals(by="year", centre_ids=[other_centre.pk])] == [Decimal("1000000.00")]
    assert recovered_total() == Decimal("1350000.30") and isinstance(recovered_total(), Decimal)
    assert recovered_total(start=date(2026, 1, 1)) == Decimal("1000000.00")
    with pytest.raises(ValueError):
        recovered_totals(by="weekday")


def test_agency_summary_counts_without_names(payments):
    payments["a"].stage, payments["a"].outcome = "resolved", "reimbursed"
    payments["a"].save()
    summary = agency_complaint_summary(payments["agency"].pk)
    assert summary == {"total": 2, "open": 1, "resolved": 1, "paid": 1, "recovered": Decimal("1300000.30")}


def test_recovered_totals_are_exact_to_the_pya(centre):
    from decimal import Decimal

    from complaints.selectors import recovered_total, recovered_totals
    from tests.factories import ComplaintFactory, ReimbursementFactory

    complaint = ComplaintFactory(centre=centre)
    ReimbursementFactory.create_batch(200, complaint=complaint, amount_mmk=Decimal("1000.05"))
    assert recovered_total(centre_ids=[centre.pk]) == Decimal("200010.00")
    assert [row["total"] for row in recovered_totals(by="centre")] == [Decimal("200010.00")]


def test_a_whole_phone_number_finds_the_complainant_and_digits_of_a_reference_still_find_the_case(centre, staff):
    from tests.factories import PersonFactory

    caller = PersonFactory(centre=centre, phone="+959767889802")
    by_phone = ComplaintFactory(centre=centre, complainant=caller, reference="NDG-2026-0031")
    other = ComplaintFactory(centre=centre, reference="NDG-2026-0032", employer="Factory 09767889802")
    assert list(complaint_search(staff, "၀၉ ၇၆၇ ၈၈၉ ၈၀၂")) == [by_phone]
    assert list(complaint_search(staff, "2026-0032")) == [other]
