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
