"""The admin reads and writes Burmese like every other entry point."""
import pytest
from django.urls import reverse

from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_a_zawgyi_search_finds_the_unicode_name_and_unicode_search_is_not_converted(admin_client, centre):
    PersonFactory(centre=centre, name="ဒေါ်မြမြ")
    PersonFactory(centre=centre, name="ဒေါ်မွမွ")
    url = reverse("admin:helpdesk_person_changelist")
    zawgyi = admin_client.get(url, {"q": "ေဒၚျမျမ"}).content.decode()
    unicode = admin_client.get(url, {"q": "ဒေါ်မြမြ"}).content.decode()
    for page in (zawgyi, unicode):
        assert "ဒေါ်မြမြ" in page and "ဒေါ်မွမွ" not in page
