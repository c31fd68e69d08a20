"""A staff member takes a complaint from intake to resolved, with two payments, through the pages."""
from decimal import Decimal

import pytest

from complaints.models import Complaint, Reimbursement
from tests.factories import AgencyFactory, CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def move(page, stage: str, reason: str, **extra):
    page.click("summary:has-text('Move stage')")
    page.select_option("#id_move-to_stage", stage)
    for field, value in extra.items():
        page.select_option(f"#id_move-{field}", value)
    page.fill("#id_move-reason", reason)
    page.click("button:has-text('Move')")
    page.wait_for_selector("text=Stage changed.")
    page.wait_for_load_state()  # the case page's stylesheet is linked in its body: read the page once it is in


def pay(page, **fields):
    page.click("summary:has-text('Record a payment')")
    for field, value in fields.items():
        if field in ("kind", "currency"):
            page.select_option(f"#id_pay-{field}", value)
        else:
            page.fill(f"#id_pay-{field}", value)
    page.click("button:has-text('Record payment')")
    page.wait_for_selector("text=Payment recorded.")
    page.wait_for_load_state()


def test_case_from_intake_to_resolved_with_two_payments(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    person = PersonFactory(centre=centre, name="မခင်မာ", birth_year=1995)
    AgencyFactory(name_en="Golden Land Co., Ltd.")
    wanted = AgencyFactory(name_en="Golden Lands Co., Ltd.", licence_number="77/2022")
    page = login("moe")

    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.click("text=Open a complaint")
    page.check("text=Overcharged recruitment fees")
    page.check("text=Documents withheld")
    page.fill("#id_amount_claimed", "၁,၅၀၀,၀၀၀")
    page.fill("#id_agency_query", "golden land")
    page.fill("#id_employer", "Thai Union")
    page.fill("#id_description", "The agency took 1.5 million kyats and kept her passport.")
    page.click("button:has-text('Open the case')")
    # Two agencies match: the page comes back with them to pick from, and nothing typed is lost.
    page.wait_for_selector(".agency-choices")
    assert not Complaint.objects.exists()
    # The register's verdict is shown above the choices, in amber: two agencies fit what was typed.
    verdict = page.locator("[data-testid=agency-verdict]")
    assert verdict.inner_text().startswith("2 agencies fit this name")
    assert verdict.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 241, 214)"
    assert page.input_value("#id_amount_claimed") == "၁,၅၀၀,၀၀၀" and page.is_checked("text=Documents withheld")
    page.check(f"label:has-text('{wanted.licence_number}')")
    page.click("button:has-text('Open the case')")
    page.wait_for_selector("text=opened.")
    page.wait_for_load_state()  # the message comes before the body's stylesheet; the case's details after it
    case = Complaint.objects.get()
    assert (case.agency, case.employer) == (wanted, "Thai Union")
    assert wanted.name_en in page.inner_text("main")
    assert case.reference in page.locator("h1").inner_text()
    assert "1,500,000 MMK" in page.inner_text("main")

    # An illegal jump is not offered, and a move without a reason is refused with the field named.
    assert "resolved" not in page.locator("#id_move-to_stage option").evaluate_all("os => os.map(o => o.value)")
    page.click("summary:has-text('Move stage')")
    page.select_option("#id_move-to_stage", "assessment")
    page.click("button:has-text('Move')")
    page.wait_for_selector("text=Nothing was saved")
    assert page.locator("#id_move-reason + .errorlist, .errorlist").first.is_visible()
    page.goto(f"{live_server.url}/complaints/{case.pk}/")

    move(page, "assessment", "Receipts and contract checked")
    move(page, "negotiation", "Agency agreed to meet")
    pay(page, amount_mmk="၅၀၀,၀၀၀", payer="Golden Land Agency")
    pay(page, kind="back_wages", payer="Thai Union", currency="THB", original_amount="8,000", exchange_rate="125")
    assert "1,500,000 MMK" in page.locator("[data-testid=recovered]").inner_text()
    move(page, "resolved", "All paid back", outcome="reimbursed")

    assert page.locator("[data-testid=stage]").inner_text() == "Resolved"
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "Receipts and contract checked" in timeline and "Negotiation → Resolved" in timeline
    case.refresh_from_db()
    assert (case.stage, case.outcome) == ("resolved", "reimbursed") and case.closed_at is not None
    assert sorted(Reimbursement.objects.values_list("amount_mmk", flat=True)) == [Decimal("500000"), Decimal("1000000")]

    page.click("text=Back to the cases")
    page.select_option("#id_stage", "resolved")
    page.click("button:has-text('Filter')")
    assert page.locator("tbody tr").count() == 1 and case.reference in page.inner_text("tbody")
