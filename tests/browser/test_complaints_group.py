"""Staff make a case a group case from the case page: find a worker, add them with their claim, record a lump sum."""
from decimal import Decimal

import pytest

from complaints.services import complaint_open
from helpdesk.models import Contact
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_add_a_worker_on_the_case_page_and_see_the_lump_sum_apportioned(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    moe = member("staff", centre, username="moe")
    lead = PersonFactory(centre=centre, name="Ma Khin Ma", gender="woman")
    PersonFactory(centre=centre, name="Ko Thura", gender="man", phone="+959450001122")
    case = complaint_open(centre=centre, complainant=lead, opened_by=moe, grievances=["overcharged_fees"], amount_claimed=Decimal("200000"))
    page = login("moe")

    page.goto(f"{live_server.url}/complaints/{case.pk}/")
    page.click("[data-testid=members-link]")
    page.fill("#q", "Thura")
    page.click("button:has-text('Find')")
    assert "Thura" not in page.url  # the name typed stays out of the address
    match = page.locator("[data-testid=matches] li", has_text="Ko Thura")
    match.locator("input[name=amount_claimed]").fill("၁၀၀,၀၀၀")
    match.locator("button:has-text('add')").click()
    page.wait_for_selector("text=Group updated.")
    assert "Workers covered: 2" in page.inner_text("[data-testid=workers-covered]")

    page.click("text=Back to the case")
    page.click("summary:has-text('Record a payment')")
    page.fill("#id_pay-amount_mmk", "100,000")
    page.fill("#id_pay-payer", "Golden Land")
    assert page.locator("#id_pay-member option").first.inner_text().startswith("Lump sum for the group")
    page.click("button:has-text('Record payment')")
    page.wait_for_selector("text=Payment recorded.")
    members = page.inner_text("[data-testid=members]")
    assert "Ko Thura" in members and "33,333 MMK (apportioned)" in members and "66,667 MMK (apportioned)" in members
    assert "Woman 1, Man 1" in page.inner_text("[data-testid=workers-covered]")
    assert Contact.objects.filter(service="complaint").count() == 2
