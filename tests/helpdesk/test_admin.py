"""The admin reads and writes Burmese like every other entry point."""
import pytest
from django.urls import reverse

from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_zawgyi_search_finds_the_unicode_name_and_unicode_search_is_not_converted(client, centre):
    PersonFactory(centre=centre, name="ဒေါ်မြမြ")
    PersonFactory(centre=centre, name="ဒေါ်မွမွ")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:helpdesk_person_changelist")
    for query in ("ေဒၚျမျမ", "ဒေါ်မြမြ"):
        page = client.get(url, {"q": query}).content.decode()
        assert "ဒေါ်မြမြ" in page and "ဒေါ်မွမွ" not in page


def test_admin_refuses_a_number_valid_in_both_countries_and_says_how_to_type_it(client, centre):
    person = PersonFactory(centre=centre, name="Ko Aung", phone="")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:helpdesk_person_change", args=[person.pk])
    data = {"centre": centre.pk, "name": "Ko Aung", "gender": "man", "phone": "081 234 5678",
            "created_at_0": "2026-01-01", "created_at_1": "10:00:00"}
    page = client.post(url, data).content.decode()
    assert "valid both in Myanmar and in Thailand" in page and "+66" in page
    person.refresh_from_db()
    assert person.phone == ""
    assert client.post(url, {**data, "phone": "+66 81 234 5678"}).status_code == 302
    person.refresh_from_db()
    assert person.phone == "+66812345678"
