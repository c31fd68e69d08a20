"""A search keeps the name out of the address bar; the read it leads to shows in the admins' access log."""
import pytest

from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_open_and_find_the_read_in_the_access_log(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    PersonFactory(centre=centre, name="Daw Khin Myint", phone="+959767889802")
    member("admin", centre, username="thida")
    page = login("thida")

    page.click("text=People")
    page.fill("#q", "Khin Myint")
    with page.expect_navigation():
        page.click("button:has-text('Search')")
    assert "Khin" not in page.url and "?s=" in page.url
    page.click("text=Daw Khin Myint")
    page.wait_for_selector("h1:has-text('Daw Khin Myint')")
    person_url = page.url.removeprefix(live_server.url)

    page.click("text=Access log")
    page.wait_for_selector("h1:has-text('Access log')")
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "thida" in rows.first.inner_text() and person_url in rows.first.inner_text()
    page.select_option("#id_kind", "export")
    with page.expect_navigation():
        page.click("button:has-text('Filter')")
    assert "Nothing logged" in page.locator("tbody").inner_text()
    page.select_option("#id_kind", "")
    with page.expect_navigation():
        page.click("button:has-text('Filter')")
    with page.expect_download() as download:
        page.click("text=Export CSV")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert "thida" in text and person_url in text and "Khin" not in text
