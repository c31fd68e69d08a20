"""Group cases on the pages staff use: the group page, the case page, payments, the CSV export and the PDF."""
import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from complaints import group
from complaints.models import Reimbursement
from complaints.pdf import case_summary_pdf
from complaints.services import reimbursement_record
from helpdesk.models import Contact
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(open_case):
    return open_case(amount_claimed=Decimal("100000"))


@pytest.fixture
def worker(centre):
    return PersonFactory(centre=centre, name="Ko Aung Naing", gender="man")


def test_staff_find_a_worker_add_them_and_the_case_page_counts_them(staff_client, case, worker):
    url = reverse("complaints:members", args=[case.pk])
    found = staff_client.post(url, {"q": "Aung Naing"}, follow=True)
    assert "Aung Naing" not in found.redirect_chain[-1][0]  # the name never travels in the address
    assert [p.pk for p in found.context["matches"]] == [worker.pk]
    response = staff_client.post(reverse("complaints:member_add", args=[case.pk]), {"person": worker.pk, "amount_claimed": "၅၀,၀၀၀"})
    assert response.status_code == 302
    member = case.members.get(person=worker)
    assert member.amount_claimed == Decimal("50000") and member.contact.service == "complaint"
    page = staff_client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "Workers covered: 2" in page and "Ko Aung Naing" in page and "Man 1" in page and "Woman 1" in page
    assert "150,000 MMK" in page  # the case's claim is the members' claims together


def test_a_lump_sum_and_a_split_payment_through_the_form(staff_client, case, worker, staff):
    group.complaint_member_add(complaint=case, person=worker, by=staff)
    url = reverse("complaints:payment", args=[case.pk])
    base = {"pay-date": "2026-01-10", "pay-kind": "fee_reimbursement", "pay-payer": "Golden Land", "pay-currency": "MMK"}
    assert staff_client.post(url, {**base, "pay-amount_mmk": "100,000"}).status_code == 302
    member = case.members.get(person=worker)
    assert staff_client.post(url, {**base, "pay-amount_mmk": "5000", "pay-member": member.pk}).status_code == 302
    assert list(Reimbursement.objects.order_by("pk").values_list("member_id", flat=True)) == [None, member.pk]
    page = staff_client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert "lump sum, apportioned" in page and "(apportioned)" in page
    # claims 100,000 (lead) and none: the lump sum goes to the lead; the worker has their own 5,000
    figures = group.group_figures(case)
    assert [r["received"] for r in figures["rows"]] == [Decimal("100000"), Decimal("5000")]


def test_a_payment_form_cannot_name_a_member_of_another_case(staff_client, open_case, case, worker, staff):
    other = open_case()
    stranger = group.complaint_member_add(complaint=other, person=worker, by=staff)
    group.complaint_make_group(complaint=case, by=staff)
    response = staff_client.post(reverse("complaints:payment", args=[case.pk]), {
        "pay-date": "2026-01-10", "pay-kind": "compensation", "pay-payer": "A", "pay-currency": "MMK", "pay-amount_mmk": "1",
        "pay-member": stranger.pk,
    })
    assert response.status_code == 400 and not Reimbursement.objects.exists()


def test_remove_a_member_change_a_claim_and_make_the_case_single_again(staff_client, case, worker, staff):
    member = group.complaint_member_add(complaint=case, person=worker, by=staff)
    change = reverse("complaints:member_change", args=[member.pk])
    staff_client.post(change, {"amount_claimed": "70,000"})
    member.refresh_from_db()
    assert member.amount_claimed == Decimal("70000")
    staff_client.post(change, {"action": "remove"})  # no reason: nothing happens
    assert case.members.count() == 2
    staff_client.post(change, {"action": "remove", "reason": "came twice"})
    assert case.members.count() == 1 and Contact.objects.filter(service="complaint").count() == 1
    reference = case.reference
    staff_client.post(reverse("complaints:make_single", args=[case.pk]))
    case.refresh_from_db()
    assert not case.members.exists() and case.reference == reference and case.amount_claimed == Decimal("100000")


def test_the_person_page_lists_a_group_case_a_member_joined(staff_client, case, worker, staff):
    group.complaint_member_add(complaint=case, person=worker, by=staff)
    page = staff_client.get(reverse("helpdesk:person_detail", args=[worker.pk])).content.decode()
    assert case.reference in page


def test_the_case_export_shows_the_group(staff_client, case, worker, staff, open_case):
    group.complaint_member_add(complaint=case, person=worker, by=staff, amount_claimed=Decimal("20000"))
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("100000"))
    single = open_case()
    response = staff_client.get(reverse("complaints:export"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_ref = {row["Reference"]: row for row in rows}
    grouped = by_ref[case.reference]
    assert grouped["Workers covered"] == "2" and grouped["Workers covered: Woman"] == "1" and grouped["Workers covered: Man"] == "1"
    # 100,000 apportioned pro rata to 100,000 and 20,000: 83,333 and 16,666, the remainder to the lead
    assert grouped["Group members"] == "Ma Hla Hla (Woman): 100,000 / 83,334; Ko Aung Naing (Man): 20,000 / 16,666"
    assert by_ref[single.reference]["Workers covered"] == "1" and by_ref[single.reference]["Group members"] == ""


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) not installed")
def test_the_pdf_shows_the_group(case, worker, staff, tmp_path):
    group.complaint_member_add(complaint=case, person=worker, by=staff, amount_claimed=Decimal("20000"))
    reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("100000"))
    path = tmp_path / "case.pdf"
    path.write_bytes(case_summary_pdf(case))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Group case" in text and "Workers covered: 2 (Woman 1, Man 1)" in text
    assert "Ko Aung Naing" in text and "16,666 MMK" in text and "83,334 MMK" in text
    path.write_bytes(case_summary_pdf(case, language="my"))
    burmese = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Ko Aung Naing" in burmese


def test_the_group_speaks_burmese(staff_client, case, worker, staff):
    group.complaint_member_add(complaint=case, person=worker, by=staff)
    staff_client.cookies["django_language"] = "my"
    page = staff_client.get(reverse("complaints:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="my").content.decode()
    assert "ပါဝင်သော အလုပ်သမား - 2 ဦး" in page and "အုပ်စုလိုက် အမှုတွဲ" in page and "Workers covered" not in page
    members = staff_client.get(reverse("complaints:members", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="my").content.decode()
    assert "အလုပ်သမား ထည့်မည်" in members and "Add a worker" not in members


@pytest.mark.parametrize("url_name", ["complaints:detail", "complaints:members"])
def test_group_pages_do_not_grow_with_members_and_payments(staff_client, case, staff, centre, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 12):
        while case.members.count() < n:
            member = group.complaint_member_add(complaint=case, person=PersonFactory(centre=centre), by=staff)
            reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("10"), member=member)
            reimbursement_record(complaint=case, recorded_by=staff, kind="compensation", payer="A", amount_mmk=Decimal("10"))
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse(url_name, args=[case.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_erasing_the_lead_of_a_group_blanks_the_story_and_keeps_the_members(centre, case, worker, staff):
    from helpdesk.erasure import erasure_confirm, erasure_request
    from tests.factories import member

    group.complaint_member_add(complaint=case, person=worker, by=staff, amount_claimed=Decimal("1"))
    first, second = member("manager", centre), member("manager", centre)
    erasure_confirm(erasure=erasure_request(person=case.complainant, user=first, reason="asked"), user=second)
    case.refresh_from_db()
    assert case.members.count() == 2 and case.amount_claimed == Decimal("100001")
    assert Contact.objects.filter(service="complaint").count() == 2


def test_the_edit_page_keeps_a_groups_claim_to_the_members(staff_client, case, worker, staff):
    group.complaint_member_add(complaint=case, person=worker, by=staff, amount_claimed=Decimal("50000"))
    url = reverse("complaints:edit", args=[case.pk])
    assert escape(str(group.GROUP_CLAIM_PER_MEMBER)) in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"grievances": ["overcharged_fees"], "amount_claimed": "1", "employer": "Thai Union"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.amount_claimed == Decimal("150000") and case.employer == "Thai Union"
