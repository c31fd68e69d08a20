"""Long lists page by key, not by OFFSET, and count only up to a cap: the same cost on page 500 as on page 1."""
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.models import Contact, Person
from helpdesk.pagination import KeysetPage, capped_counts
from tests.factories import ContactFactory, PersonFactory

pytestmark = pytest.mark.django_db


def next_link(page: str, path: str) -> str:
    found = re.search(r'href="\?([^"]+)" rel="next"', page)
    return f"{path}?{found.group(1).replace('&amp;', '&')}" if found else ""


def walk(client, url: str, path: str) -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([row.pk for row in response.context["page"]])
        url = next_link(response.content.decode(), path)
    return pages


def test_contact_pages_walk_every_contact_once_newest_first_and_keep_the_service(staff_client, centre, other_centre):
    day = date(2026, 11, 1)
    for i in range(130):  # three contacts a day: ties on the date are broken by id
        ContactFactory(centre=centre, date=day - timedelta(days=i // 3), service="helpline" if i % 2 else "drop_in")
    ContactFactory(centre=other_centre, service="helpline")  # another centre's: never listed
    path = reverse("helpdesk:contact_list")
    pages = walk(staff_client, f"{path}?service=helpline", path)
    expected = list(Contact.objects.filter(centre=centre, service="helpline").order_by("-date", "-id").values_list("pk", flat=True))
    assert [len(p) for p in pages] == [50, 15] and sum(pages, []) == expected


def test_previous_goes_back_to_the_same_rows(staff_client, centre):
    PersonFactory.create_batch(120, centre=centre)
    path = reverse("helpdesk:person_list")
    first = staff_client.get(path)
    second = staff_client.get(next_link(first.content.decode(), path))
    page = second.content.decode()
    back = re.search(r'href="\?([^"]+)" rel="prev"', page).group(1).replace("&amp;", "&")
    assert [p.pk for p in staff_client.get(f"{path}?{back}").context["page"]] == [p.pk for p in first.context["page"]]
    assert not staff_client.get(f"{path}?{back}").context["page"].has_previous


def test_a_deep_page_runs_the_same_queries_as_the_first(staff_client, centre):
    PersonFactory.create_batch(3, centre=centre)
    for n in range(260):
        ContactFactory(centre=centre, person=None, gender="woman", date=date(2026, 1, 1) - timedelta(days=n))
    path = reverse("helpdesk:contact_list")
    url, counts = path, []
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(url)
        counts.append(len(queries))
        url = next_link(response.content.decode(), path)
    assert len(counts) == 6 and len(set(counts)) == 1, counts


def test_counts_stop_at_the_cap_and_say_so(centre):
    PersonFactory.create_batch(7, centre=centre)
    people = Person.objects.filter(centre=centre)
    counts = capped_counts({"all": people, "none": people.none(), "two": people.filter(pk__in=list(people.values_list("pk", flat=True)[:2]))}, cap=5)
    assert (counts["all"].value, counts["all"].capped, str(counts["all"])) == (5, True, "5+")
    assert (counts["two"].value, counts["two"].capped, str(counts["two"])) == (2, False, "2")
    assert counts["none"].value == 0 and not counts["none"]


def test_person_list_says_how_many_people_up_to_the_cap(staff_client, centre):
    PersonFactory.create_batch(3, centre=centre)
    assert "3 people" in staff_client.get(reverse("helpdesk:person_list")).content.decode()


def test_a_cursor_that_does_not_parse_gives_the_first_page(centre):
    PersonFactory.create_batch(3, centre=centre)
    people = Person.objects.filter(centre=centre)
    for cursor in ("nonsense", "2026-13-45T00:00:00~1", "~", "2026-01-01T00:00:00+00:00~x"):
        page = KeysetPage(people, {"after": cursor})
        assert [p.pk for p in page] == [p.pk for p in people] and not page.has_previous


def test_an_ordering_without_the_primary_key_is_refused(centre):
    with pytest.raises(ValueError, match="primary key"):
        KeysetPage(Person.objects.order_by("name"), {})
