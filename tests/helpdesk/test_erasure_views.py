"""The erasure pages: a manager asks on the person page, a second manager confirms on the list; logged, no name kept."""
import pytest
from django.urls import reverse

from helpdesk.models import AccessLog, ErasureRequest, Person
from tests.conftest import SecondFactorClient
from tests.factories import ContactFactory, PersonFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(centre):
    person = PersonFactory(centre=centre, name="Daw Khin Myint", phone="+959767889802")
    ContactFactory(centre=centre, person=person, notes="Daw Khin Myint asked about Thailand")
    return person


def logged_in(user) -> SecondFactorClient:
    client = SecondFactorClient()
    client.force_login(user)
    return client


def test_a_manager_asks_and_another_manager_confirms(centre, person):
    first = logged_in(member("manager", centre, username="manager1"))
    second = logged_in(member("manager", centre, username="manager2"))
    page = first.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    assert "Erase this person…" in page
    form = first.get(reverse("helpdesk:person_erase", args=[person.pk])).content.decode()
    assert "cannot be undone" in form and "What stays" in form

    response = first.post(reverse("helpdesk:person_erase", args=[person.pk]), {"reason": "asked at the centre on 28 November"})
    assert response.status_code == 302
    erasure = ErasureRequest.objects.get()
    assert "waiting for a second manager" in first.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    own = first.get(reverse("helpdesk:erasure_list")).content.decode()
    assert "Confirm and erase" not in own and "another manager of the centre or an admin must confirm it" in own
    assert first.post(reverse("helpdesk:erasure_confirm", args=[erasure.pk]), {"confirm": "on"}).status_code == 302
    assert Person.objects.get(pk=person.pk).name == "Daw Khin Myint"  # the requester alone erases nothing

    listed = second.get(reverse("helpdesk:erasure_list")).content.decode()
    assert f"Person #{person.pk}" in listed and "Confirm and erase" in listed and "Daw Khin Myint" not in listed
    second.post(reverse("helpdesk:erasure_confirm", args=[erasure.pk]), {})  # the box not ticked: nothing happens
    assert Person.objects.get(pk=person.pk).name == "Daw Khin Myint"
    assert second.post(reverse("helpdesk:erasure_confirm", args=[erasure.pk]), {"confirm": "on"}).status_code == 302

    page = second.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    assert "Erased on" in page and f"Erased person #{person.pk}" in page and "Daw Khin Myint" not in page
    details = sorted(AccessLog.objects.filter(kind="erasure").values_list("username", "object_id", "detail"))
    assert details == [("manager1", person.pk, f"erasure requested #{erasure.pk}"),
                       ("manager2", person.pk, f"erasure confirmed #{erasure.pk}")]


def test_staff_and_other_centres_cannot_ask_see_or_confirm(centre, other_centre, person):
    erasure = ErasureRequest.objects.create(person=person, centre=centre, reason="asked", requested_by=member("manager", centre))
    staff = logged_in(member("staff", centre))
    assert "Erase this person" not in staff.get(reverse("helpdesk:person_detail", args=[person.pk])).content.decode()
    assert staff.get(reverse("helpdesk:person_erase", args=[person.pk])).status_code == 403
    assert staff.get(reverse("helpdesk:erasure_list")).status_code == 403
    assert staff.post(reverse("helpdesk:erasure_confirm", args=[erasure.pk]), {"confirm": "on"}).status_code == 403
    other = logged_in(member("manager", other_centre))
    assert other.get(reverse("helpdesk:person_erase", args=[person.pk])).status_code == 404
    assert "No erasure is waiting" in other.get(reverse("helpdesk:erasure_list")).content.decode()
    assert other.post(reverse("helpdesk:erasure_confirm", args=[erasure.pk]), {"confirm": "on"}).status_code == 404
    assert other.post(reverse("helpdesk:erasure_cancel", args=[erasure.pk])).status_code == 404
    assert Person.objects.get(pk=person.pk).name == "Daw Khin Myint"


def test_an_admin_confirms_and_the_requester_can_cancel(centre, person, admin_user):
    manager = member("manager", centre)
    asker = logged_in(manager)
    asker.post(reverse("helpdesk:person_erase", args=[person.pk]), {"reason": "asked by phone"})
    erasure = ErasureRequest.objects.get()
    asker.post(reverse("helpdesk:erasure_cancel", args=[erasure.pk]))
    assert ErasureRequest.objects.get().status == "cancelled"
    asker.post(reverse("helpdesk:person_erase", args=[person.pk]), {"reason": "asked again"})
    again = ErasureRequest.objects.get(status="pending")
    logged_in(admin_user).post(reverse("helpdesk:erasure_confirm", args=[again.pk]), {"confirm": "on"})
    assert Person.objects.get(pk=person.pk).erased_at is not None


def test_the_reason_is_required(centre, person):
    manager = logged_in(member("manager", centre))
    response = manager.post(reverse("helpdesk:person_erase", args=[person.pk]), {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_the_pages_are_in_burmese(centre, person):
    manager = logged_in(member("manager", centre))
    manager.cookies["django_language"] = "my"
    page = manager.get(reverse("helpdesk:person_erase", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="my").content.decode()
    assert "Erasure cannot be undone." not in page and "ဖျက်" in page
