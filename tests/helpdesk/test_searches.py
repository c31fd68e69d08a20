"""Search terms stay out of addresses: posted, kept in the session under a token, never logged."""
import re

import pytest
from django.urls import reverse

from helpdesk.models import AccessLog
from tests.factories import ActivityFactory, ComplaintFactory, PersonFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(centre):
    return PersonFactory(centre=centre, name="Daw Khin Myint", phone="+959767889802")


def test_search_terms_never_reach_the_url_or_the_log(staff_client, centre, person):
    ComplaintFactory(centre=centre, complainant=person)
    searched = staff_client.post(reverse("complaints:list"), {"q": "Khin Myint", "stage": "open"})
    assert searched.status_code == 302 and "Khin" not in searched.url and "stage=open" in searched.url
    page = staff_client.get(searched.url).content.decode()
    assert "Daw Khin Myint" in page
    export = reverse("complaints:export") + "?" + searched.url.split("?", 1)[1]  # the page's export link: the token, not the terms
    assert "Daw Khin Myint" in staff_client.get(export).content.decode("utf-8-sig")
    row = AccessLog.objects.get(kind="export")
    assert row.detail == "stage=open +search" and "Khin" not in row.path + row.detail
    people = staff_client.post(reverse("helpdesk:person_list"), {"q": "09767889802"})
    assert "767889802" not in people.url and "Daw Khin Myint" in staff_client.get(people.url).content.decode()


def test_an_old_search_link_is_moved_out_of_the_address(staff_client, person):
    response = staff_client.get(reverse("helpdesk:person_list"), {"q": "Khin"})
    assert response.status_code == 302 and "Khin" not in response.url
    assert "Daw Khin Myint" in staff_client.get(response.url).content.decode()


def test_a_search_token_of_another_session_finds_nothing(client, centre, person):
    first, second = member("staff", centre), member("staff", centre)
    client.force_login(first)
    url = client.post(reverse("helpdesk:person_list"), {"q": "Zaw Zaw"}).url
    client.force_login(second)
    page = client.get(url).content.decode()
    assert "Daw Khin Myint" in page  # the token means nothing in this session: the plain list, no search


def test_pages_of_search_results_carry_the_token_not_the_terms(staff_client, centre):
    PersonFactory.create_batch(55, centre=centre, name="Ko Zaw Min")
    url = staff_client.post(reverse("helpdesk:person_list"), {"q": "Zaw Min"}).url
    page = staff_client.get(url).content.decode()
    token = url.split("s=", 1)[1]
    assert f"?s={token}&amp;after=" in page and "Zaw%20Min" not in page and "q=" not in page
    next_page = re.search(r'href="\?([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert staff_client.get(f"{reverse('helpdesk:person_list')}?{next_page}").content.decode().count("Ko Zaw Min") == 5


def test_contact_log_and_attendee_searches_post_their_terms(staff_client, centre, person):
    found = staff_client.post(reverse("helpdesk:contact_log"), {"q": "09767889802"})
    assert found.status_code == 302 and "767889802" not in found.url
    assert "Daw Khin Myint" in staff_client.get(found.url).content.decode()
    activity = ActivityFactory(centre=centre)
    found = staff_client.post(reverse("helpdesk:activity_detail", args=[activity.pk]), {"q": "Khin"})
    assert found.status_code == 302 and "Khin" not in found.url
    assert "Daw Khin Myint" in staff_client.get(found.url).content.decode()


def test_an_attendee_search_on_another_centres_activity_is_a_404(client, person, other_centre):
    activity = ActivityFactory(centre=other_centre)
    client.force_login(member("staff", person.centre))
    assert client.post(reverse("helpdesk:activity_detail", args=[activity.pk]), {"q": "Khin"}).status_code == 404
