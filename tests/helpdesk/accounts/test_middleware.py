"""Sessions end 8 hours after login and after 30 idle minutes; the second-factor check costs staff no query."""
import time

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.accounts.middleware import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"


def logged_in(username) -> Client:
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


def shift(client, key, seconds_ago):
    session = client.session
    session[key] = int(time.time()) - seconds_ago
    session.save()


def test_a_session_ends_after_30_idle_minutes(staff):
    client = logged_in("staff1")
    shift(client, SEEN_AT, 29 * 60)
    assert client.get("/people/").status_code == 200  # 29 minutes: still in, and the clock restarts
    shift(client, SEEN_AT, 31 * 60)
    response = client.get("/people/")
    assert response["Location"] == f"{reverse('login')}?next=%2Fpeople%2F"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "after 30 minutes without activity" in page


def test_a_busy_session_still_ends_8_hours_after_login(staff):
    client = logged_in("staff1")
    shift(client, LOGIN_AT, 8 * 3600 + 60)
    response = client.get("/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert "8 hours after logging in" in client.get(response["Location"]).content.decode()


def test_session_limits_follow_the_settings(staff, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client = logged_in("staff1")
    shift(client, SEEN_AT, 6 * 60)
    assert client.get("/").status_code == 302


def test_the_session_cookie_lives_no_longer_than_8_hours(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600 and settings.SESSION_IDLE_TIMEOUT == 30 * 60


def test_staff_without_a_second_factor_pay_no_query_for_the_checks(staff, django_assert_max_num_queries):
    client = logged_in("staff1")
    client.get("/people/")
    with django_assert_max_num_queries(50) as warm:
        client.get("/people/")
    tables = " ".join(q["sql"] for q in warm.captured_queries)
    assert "otp_totp" not in tables and "otp_static" not in tables and "axes" not in tables


def test_an_import_page_reloading_itself_does_not_keep_an_idle_session_alive(client, admin_user):
    """The progress page reloads every 3 s; left open on a shared phone it must not defeat the 30-minute rule."""
    from helpdesk.models import ContactImport

    job = ContactImport.objects.create(file_name="big.xlsx", content=b"...", rows_total=50_000)  # no worker: waits
    client.force_login(admin_user)
    url = reverse("helpdesk:import_job", args=[job.pk])
    assert 'content="3; url=?auto=1"' in client.get(url).content.decode()
    shift(client, SEEN_AT, 29 * 60)
    assert client.get(url, {"auto": "1"}).status_code == 200
    assert time.time() - client.session[SEEN_AT] >= 29 * 60  # a reload is not someone at the phone
    shift(client, SEEN_AT, 31 * 60)
    response = client.get(url, {"auto": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(url).status_code == 302  # and it stays ended


def test_a_stopped_contact_import_stops_reloading(client, admin_user):
    from datetime import timedelta

    from django.utils import timezone

    from helpdesk.models import ContactImport

    long_ago = timezone.now() - timedelta(minutes=11)
    job = ContactImport.objects.create(file_name="big.csv", content=b"date,centre,service,gender\n", status="running",
                                       created_at=long_ago, progress_at=long_ago)
    client.force_login(admin_user)
    page = client.get(reverse("helpdesk:import_job", args=[job.pk])).content.decode()
    assert "No progress for ten minutes" in page and 'http-equiv="refresh"' not in page
