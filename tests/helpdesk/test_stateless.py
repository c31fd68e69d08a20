"""@stateless views (channel webhooks) skip the user and page middleware but keep the security headers."""
import pytest
from django.http import HttpResponse
from django.urls import get_resolver, path

from helpdesk.stateless import STATELESS_CSP, stateless, stateless_paths
from tests.bots.conftest import bot_settings, load, post_telegram  # noqa: F401 (the channel secrets fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bot_settings")]


def test_the_store_only_webhooks_are_found_by_their_paths_and_pages_are_not():
    paths = stateless_paths(get_resolver())
    assert set(paths) == {"/bots/telegram/", "/bots/messenger/", "/bots/twilio/status/"}


def test_a_webhook_answer_keeps_the_security_headers_and_touches_no_session(client, centre, settings):
    settings.SECURE_CONTENT_TYPE_NOSNIFF = True
    response = post_telegram(client, load("telegram_message"))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY" and response["Content-Security-Policy"] == STATELESS_CSP
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"] == "same-origin"
    assert response["Content-Length"] == "0"
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert not response.wsgi_request.session.accessed and not hasattr(response.wsgi_request, "user")


def test_a_webhook_refused_for_its_secret_is_still_refused(client):
    assert post_telegram(client, load("telegram_message"), secret="wrong").status_code == 403
    assert post_telegram(client, load("telegram_message"), secret=None).status_code == 403


def test_https_redirect_still_applies_to_webhooks(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = post_telegram(client, load("telegram_message"))
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_pages_keep_the_full_middleware(client):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"] and response.wsgi_request.user.is_anonymous


@stateless
def _with_argument(request, pk):
    return HttpResponse("")


urlpatterns = [path("hook/<int:pk>/", _with_argument)]


def test_a_stateless_view_must_have_a_fixed_path(settings):
    settings.ROOT_URLCONF = __name__
    with pytest.raises(ValueError, match="fixed path"):
        stateless_paths(get_resolver())
