"""Staff and a manager print a person's beneficiary card from the person page."""
import subprocess

import pytest

from helpdesk.models import AccessLog
from tests.factories import CentreFactory, ContactFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_the_button_on_the_person_page_downloads_the_card(live_server, login, tmp_path, role):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member(role, centre, username="moe")
    person = PersonFactory(centre=centre, name="Daw Khin Myat", card_number="NDG-0077", phone="+66812345678")
    ContactFactory(centre=centre, person=person, service="helpline", channel="phone")
    page = login("moe")

    page.goto(f"{live_server.url}/people/{person.pk}/")
    with page.expect_download() as download:
        page.click("text=Print beneficiary card")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == f"beneficiary-card-{person.pk}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Daw Khin Myat" in text and "NDG-0077" in text and "081 234 5678 (+66)" in text and "Helpline" in text
    assert AccessLog.objects.filter(kind=AccessLog.Kind.PDF, object_id=person.pk, user__username="moe").count() == 1
