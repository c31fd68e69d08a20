import pytest
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from tests.api.conftest import bearer
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_token_sees_it_once_and_revokes_it(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    centre = CentreFactory(code="NDG")
    response = client.post(
        reverse("admin:api_apitoken_add"), {"organisation": "ILO M&E", "centres": [centre.pk], "case_level": "on"}, follow=True,
    )
    token = ApiToken.objects.get()
    [message] = [str(m) for m in response.context["messages"] if "Copy it now" in str(m)]
    secret = message.split("is: ")[1].split(". Copy")[0]
    assert secret.startswith(token.token_prefix) and token.created_by == admin and token.case_level
    assert list(token.centres.all()) == [centre]
    assert secret not in client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert Client().get("/api/v1/cases", **bearer(secret)).status_code == 200

    client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/cases", **bearer(secret)).status_code == 401


def test_a_token_without_centres_is_refused_in_the_admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:api_apitoken_add"), {"organisation": "ILO M&E"})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_the_access_log_page_and_export_name_the_token(client, make_token):
    token, secret = make_token(CentreFactory(), organisation="MOLIP desk")
    Client().get("/api/v1/agencies", **bearer(secret))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert f"#{token.pk} MOLIP desk" in client.get(reverse("helpdesk:access_log")).content.decode()
    assert f"#{token.pk} MOLIP desk" in client.get(reverse("helpdesk:access_log_export")).content.decode()
