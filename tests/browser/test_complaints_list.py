"""The case list's agency filter is typed like the complaint form's: no menu of every agency."""
import pytest

from tests.factories import AgencyFactory, CentreFactory, ComplaintFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_agency_filter_is_typed_picked_and_kept_across_pages(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    first = AgencyFactory(name_en="Golden Land Co., Ltd.", licence_number="12/2021")
    wanted = AgencyFactory(name_en="Golden Lands Co., Ltd.", licence_number="77/2022",
                           name_my="ရွှေမြေ ကုမ္ပဏီလီမိတက်")
    for n in range(55):
        ComplaintFactory(centre=centre, agency=wanted, reference=f"NDG-2026-{n + 1:04d}")
    ComplaintFactory(centre=centre, agency=first, reference="NDG-2026-0900")
    page = login("moe")

    page.goto(f"{live_server.url}/complaints/")
    assert page.locator("[data-testid=agency-filter] option").count() == 0
    page.fill("#id_agency_query", "golden land")
    page.click("button:has-text('Filter')")
    # Two agencies fit: the list waits for a pick and shows no case meanwhile.
    page.wait_for_selector(".agency-choices")
    assert page.locator("tbody tr").first.inner_text() == "No cases found."
    page.check(f"label:has-text('{wanted.licence_number}')")
    page.click("button:has-text('Filter')")
    page.wait_for_selector("text=55 cases")
    assert "agency=" in page.url and "agency_query" not in page.url
    assert page.input_value("#id_agency_query") == str(wanted)
    assert "NDG-2026-0900" not in page.content()
    # The next page keeps the agency.
    page.click("a[rel=next]")
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == 5 and "NDG-2026-0900" not in page.content()
    assert page.input_value("#id_agency_query") == str(wanted)

    # Typed in Burmese, the one agency it names is taken at once.
    page.fill("#id_agency_query", "ရွှေမြေ")
    page.click("button:has-text('Filter')")
    page.wait_for_selector("text=55 cases")
