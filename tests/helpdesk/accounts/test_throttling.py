"""Login throttling (django-axes): per account and per IP, on the staff login and /admin/login/."""
import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import member

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 5
    return 5


def attempt(client, username, password, url="login", ip="10.0.0.1"):
    return client.post(reverse(url), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_wrong_passwords_lock_the_account_even_for_the_right_password(staff, limit):
    client = Client()
    for _ in range(limit - 1):
        assert attempt(client, "staff1", "guess-123").status_code == 200  # the form again, with its error
    assert attempt(client, "staff1", "guess-123").status_code == 429  # the limit-th wrong password locks
    response = attempt(client, "staff1", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Try again in 30 minutes" in page
    assert "စကားဝှက် မှားလွန်း" in page  # the same message in Burmese, whatever the page language


def test_the_account_lock_holds_from_another_ip(staff, limit):
    for i in range(limit):
        attempt(Client(), "staff1", "guess-123", ip=f"10.0.1.{i}")  # a spread-out attack: one try per address
    assert attempt(Client(), "staff1", PASSWORD, ip="10.9.9.9").status_code == 429


def test_one_ip_trying_many_accounts_is_locked(centre, limit):
    for i in range(limit):
        attempt(Client(), f"user{i}", "guess-123", ip="10.0.0.7")
    member("staff", centre, username="colleague")
    assert attempt(Client(), "colleague", PASSWORD, ip="10.0.0.7").status_code == 429
    response = attempt(Client(), "colleague", PASSWORD, ip="10.0.0.8")
    assert response.status_code == 302  # the same person elsewhere is not blocked


def test_admin_login_is_throttled_too(admin_user, limit):
    client = Client()
    for _ in range(limit):
        attempt(client, "admin1", "guess-123", url="admin:login")
    response = attempt(client, "admin1", PASSWORD, url="admin:login")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_cool_off(staff, limit, settings):
    for _ in range(limit):
        attempt(Client(), "staff1", "guess-123")
    assert attempt(Client(), "staff1", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1))
    assert attempt(Client(), "staff1", PASSWORD).status_code == 302


def test_an_admin_unlocks_an_account_with_axes_reset_username(staff, limit):
    for _ in range(limit):
        attempt(Client(), "staff1", "guess-123", ip=f"10.0.2.{_}")
    assert attempt(Client(), "staff1", PASSWORD, ip="10.0.3.1").status_code == 429
    call_command("axes_reset_username", "staff1")
    assert attempt(Client(), "staff1", PASSWORD, ip="10.0.3.1").status_code == 302


def test_behind_a_proxy_the_forwarded_client_is_counted(staff, limit, settings):
    settings.TRUSTED_PROXIES = 1
    for i in range(limit):  # each from its own client, all through the same proxy
        Client().post(reverse("login"), {"username": f"nobody{i}", "password": "x"},
                      REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    blocked = Client().post(reverse("login"), {"username": "staff1", "password": PASSWORD},
                            REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert blocked.status_code == 429
    other = Client().post(reverse("login"), {"username": "staff1", "password": PASSWORD},
                          REMOTE_ADDR="192.168.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302


def test_locked_out_page_in_burmese(staff, limit):
    client = Client()
    for _ in range(limit):
        attempt(client, "staff1", "guess-123")
    response = client.post(reverse("login"), {"username": "staff1", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="my")
    page = response.content.decode()
    assert response.status_code == 429
    assert "ကြိုးစားမှု များလွန်း" in page  # the page title in Burmese
    assert "Try again in 30 minutes" in page  # English stays beside it


def test_guessing_the_password_on_log_out_everywhere_counts_too(staff, limit):
    """Someone who finds a logged-in phone cannot try passwords there without limit."""
    client = Client()
    client.force_login(staff)
    for _ in range(limit):
        client.post(reverse("accounts:logout_everywhere"), {"password": "guess-123"}, REMOTE_ADDR="10.0.0.1")
    assert attempt(Client(), "staff1", PASSWORD, ip="10.0.9.9").status_code == 429
