"""A migrant on a phone checks an agency on the public page, in Burmese, without logging in."""
import pytest

from agencies.models import LicenceStatus
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_check_in_burmese_with_zawgyi_and_burmese_digits(live_server, page):
    AgencyFactory(licence_number="123/2019", name_en="Golden Star Overseas Employment Agency Co., Ltd.",
                  name_my="ရွှေကြယ် ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်")
    AgencyFactory(licence_number="77/2020", name_en="Ayeyarwady Dragon Agency", name_my="ဧရာဝတီနဂါး အေဂျင်စီ",
                  status=LicenceStatus.REVOKED)

    page.goto(f"{live_server.url}/agencies/check/")
    page.select_option("select[name=language]", "my")  # the language switch in the header
    page.click("[data-autosubmit-button]")  # the public page has no script: its "Change" button submits
    page.wait_for_selector("text=ဤအေဂျင်စီသည် လိုင်စင်ရှိပါသလား။")
    assert page.locator("h1").inner_text() == "ဤအေဂျင်စီသည် လိုင်စင်ရှိပါသလား။"

    page.fill("#id_q", "ေရႊၾကယ္")  # typed in Zawgyi
    page.click("button:has-text('စစ်ဆေးမည်')")
    results = page.locator("[data-testid=results]")
    results.wait_for()
    text = results.inner_text()
    assert "ရွှေကြယ်" in text and "123/2019" in text and "လိုင်စင်ရ" in text

    page.fill("#id_q", "၇၇/၂၀၂၀")  # licence number in Burmese digits
    page.click("button:has-text('စစ်ဆေးမည်')")
    page.wait_for_selector("text=ဧရာဝတီနဂါး")
    text = page.locator("[data-testid=results]").inner_text()
    assert "ပယ်ဖျက်ပြီး" in text and "ငွေမပေးပါနှင့်" in text

    page.fill("#id_q", "Quick Visa Brokers")
    page.click("button:has-text('စစ်ဆေးမည်')")
    page.wait_for_selector("text=မှတ်ပုံတင်စာရင်းတွင် ကိုက်ညီသော အေဂျင်စီ မရှိပါ။")
    # Burmese is rendered with real glyphs: the heading has width, i.e. a font drew it.
    assert page.locator("h1").bounding_box()["width"] > 100


def test_public_page_works_without_javascript(live_server, browser):
    AgencyFactory(licence_number="123/2019", name_en="Golden Star Co., Ltd.")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 568})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/agencies/check/")
        page.fill("#id_q", "123")
        page.click("button[type=submit]:has-text('Check')")
        page.wait_for_selector("text=Golden Star")
        assert "Licensed until" in page.locator("[data-testid=results]").inner_text()
    finally:
        context.close()
