"""A manager asks to erase a person from the person page; a second manager confirms on the erasure list."""
import pytest

from helpdesk.models import AccessLog, Person
from tests.factories import CentreFactory, ContactFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_asks_and_a_second_manager_confirms(live_server, login, page):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("manager", centre, username="thida")
    member("manager", centre, username="zaw")
    person = PersonFactory(centre=centre, name="Daw Khin Myat", phone="+959767889802")
    ContactFactory(centre=centre, person=person, service="helpline", channel="phone", notes="Daw Khin Myat called")

    login("thida")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.click("text=Erase this person…")
    assert "Erasure cannot be undone." in page.inner_text("[data-testid=erasure-warning]")
    page.fill("#id_reason", "asked at the centre on 28 November")
    page.click("text=Ask for erasure")
    page.wait_for_url(f"**/people/{person.pk}/")
    assert "waiting for a second manager" in page.inner_text("[data-testid=erasure-panel]")
    page.goto(f"{live_server.url}/erasures/")
    assert page.locator("text=Confirm and erase").count() == 0  # not for the manager who asked

    page.context.clear_cookies()
    login("zaw")
    page.goto(f"{live_server.url}/erasures/")
    request = page.locator("[data-testid=erasure-request]")
    assert f"Person #{person.pk}" in request.inner_text() and "Daw Khin Myat" not in request.inner_text()
    request.locator("input[name=confirm]").check()
    request.locator("text=Confirm and erase").click()
    page.wait_for_url("**/erasures/")
    assert f"Person #{person.pk} erased" in page.inner_text(".messages")

    page.goto(f"{live_server.url}/people/{person.pk}/")
    assert "Erased on" in page.inner_text("[data-testid=erasure-panel]")
    assert "Daw Khin Myat" not in page.content()
    assert Person.objects.get(pk=person.pk).erased_at is not None
    assert AccessLog.objects.filter(kind="erasure", object_id=person.pk).count() == 2
