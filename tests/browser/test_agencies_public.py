"""A migrant on a phone checks an agency on the public page, in Burmese, without logging in."""
import pytest

from agencies.models import LicenceStatus
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The verdict's background, at a glance: green for licensed, red for not licensed or not on the list.
GREEN, RED, AMBER = "rgb(227, 243, 236)", "rgb(253, 231, 229)", "rgb(255, 241, 214)"


def verdict_colour(page) -> str:
    return page.locator("[data-testid=verdict]").evaluate("el => getComputedStyle(el).backgroundColor")


def test_a_glance_tells_green_from_red_and_look_alikes_come_after_the_warning(live_server, page):
    AgencyFactory(licence_number="14/2016", name_en="Golden Star Manpower Services Co., Ltd.")
    AgencyFactory(licence_number="51/2018", name_en="Ayeyarwady Dragon Manpower Co., Ltd.", status=LicenceStatus.REVOKED)
    AgencyFactory(licence_number="61/2019", name_en="Ayeyarwady Dragon International Co., Ltd.")
    expected = {"Golden Star": GREEN, "Ayeyarwady Dragon Manpower": RED, "Ayeyarwady Dragon": AMBER, "Golden Sea": RED}
    for query, colour in expected.items():
        page.goto(f"{live_server.url}/agencies/check/?q={query.replace(' ', '+')}")
        verdict = page.locator("[data-testid=verdict]")
        assert verdict_colour(page) == colour, query
        assert verdict.bounding_box()["y"] < page.locator("[data-testid=agency-card]").first.bounding_box()["y"]
    text = page.locator("[data-testid=results]").inner_text()  # "Golden Sea"
    assert text.index("NOT on the Ministry's list") < text.index("these are different agencies") < text.index("14/2016")


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
    assert "ရွှေကြယ်" in text and "123/2019" in text and "ထိ လိုင်စင်ရှိ" in text
    assert verdict_colour(page) == GREEN

    page.fill("#id_q", "၇၇/၂၀၂၀")  # licence number in Burmese digits
    page.click("button:has-text('စစ်ဆေးမည်')")
    page.wait_for_selector("text=ဧရာဝတီနဂါး")
    text = page.locator("[data-testid=results]").inner_text()
    assert text.splitlines()[0].startswith("လိုင်စင် ရုပ်သိမ်းခံရပြီ") and "ငွေမပေးပါနှင့်" in text
    assert verdict_colour(page) == RED

    page.fill("#id_q", "Quick Visa Brokers")
    page.click("button:has-text('စစ်ဆေးမည်')")
    page.wait_for_selector("text=ဝန်ကြီးဌာန၏ စာရင်းတွင် မပါပါ")
    assert verdict_colour(page) == RED
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
