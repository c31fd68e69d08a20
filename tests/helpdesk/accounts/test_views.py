"""Account pages: second factor (enrol, verify, recovery codes), password change and reset, log out everywhere."""
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.accounts import services
from tests.factories import member
from tests.helpdesk.accounts.helpers import totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"
DASHBOARD = "/"


def password_login(username, **extra) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# Second factor ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_must_enrol_before_anything_else(centre, role):
    member(role, centre, username="boss")
    client = password_login("boss")
    for url in [DASHBOARD, reverse("helpdesk:person_list"), reverse("complaints:list"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:second_factor_setup"))
    setup = client.get(reverse("accounts:second_factor_setup"))
    page = setup.content.decode()
    assert "<svg" in page and "data-testid=\"totp-key\"" in page  # QR code drawn by the server, and the key


def test_enrolment_with_a_code_from_the_app_then_recovery_codes(centre, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code below (throttling has its own test)
    member("manager", centre, username="boss")
    client = password_login("boss")
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user__username="boss", confirmed=False)
    wrong = client.post(reverse("accounts:second_factor_setup"), {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    done = client.post(f"{reverse('accounts:second_factor_setup')}?next=/people/", {"token": totp_code(device)})
    assert done.status_code == 302 and done["Location"].startswith(reverse("accounts:recovery_codes"))
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10 and 'href="/people/"' in codes_page
    assert client.get(reverse("accounts:recovery_codes")).content.decode().count("<code>") == 0  # shown once only
    assert client.get(DASHBOARD).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_enrolled_manager_gives_a_code_at_each_login(centre, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code below (throttling has its own test)
    boss = member("manager", centre, username="boss")
    device = services.totp_device_install(user=boss)
    client = password_login("boss")
    response = client.get(reverse("helpdesk:person_list"))
    assert response["Location"] == f"{reverse('accounts:second_factor')}?next=%2Fpeople%2F"
    bad = client.post(response["Location"], {"token": "12345x"})
    assert "This code is not right" in bad.content.decode()
    good = client.post(response["Location"], {"token": totp_code(device), "next": "/people/"})
    assert good.status_code == 302 and good["Location"] == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_recovery_code_works_once(centre):
    boss = member("manager", centre, username="boss")
    services.totp_device_install(user=boss)
    code = services.recovery_codes_issue(user=boss)[0]
    first = password_login("boss")
    assert first.post(reverse("accounts:second_factor"), {"token": code}).status_code == 302
    assert first.get(DASHBOARD).status_code == 200
    second = password_login("boss")
    again = second.post(reverse("accounts:second_factor"), {"token": code})
    assert again.status_code == 200 and second.get(DASHBOARD).status_code == 302
    assert StaticToken.objects.filter(device__user=boss).count() == 9


def test_wrong_codes_are_throttled(centre, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the wait doubles after each wrong code: 60 s after the first
    boss = member("manager", centre, username="boss")
    device = services.totp_device_install(user=boss)
    client = password_login("boss")
    wrong = client.post(reverse("accounts:second_factor"), {"token": "000000" if totp_code(device) != "000000" else "111111"})
    assert "This code is not right" in wrong.content.decode()
    response = client.post(reverse("accounts:second_factor"), {"token": totp_code(device)})
    assert "Too many wrong codes" in response.content.decode()  # even the right code waits for the delay
    assert client.get(DASHBOARD).status_code == 302


def test_staff_need_no_second_factor_but_may_turn_it_on(staff):
    client = password_login("staff1")
    assert client.get(DASHBOARD).status_code == 200
    client.get(reverse("accounts:second_factor_setup"))
    device = TOTPDevice.objects.get(user=staff)
    client.post(reverse("accounts:second_factor_setup"), {"token": totp_code(device)})
    assert client.get(DASHBOARD).status_code == 200
    later = password_login("staff1")
    assert later.get(DASHBOARD)["Location"].startswith(reverse("accounts:second_factor"))


def test_a_password_alone_cannot_replace_an_enrolled_second_factor(centre):
    boss = member("manager", centre, username="boss")
    services.totp_device_install(user=boss)
    client = password_login("boss")
    response = client.get(reverse("accounts:second_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:second_factor"))
    assert TOTPDevice.objects.filter(user=boss).count() == 1


def test_second_factor_pages_in_burmese(centre):
    member("manager", centre, username="boss")
    client = password_login("boss")
    page = client.get(reverse("accounts:second_factor_setup"), HTTP_ACCEPT_LANGUAGE="my").content.decode()
    assert "အတည်ပြုကုဒ်" in page


def test_the_admin_site_asks_for_the_second_factor(admin_user):
    admin_user.is_staff = True
    admin_user.save()
    device = services.totp_device_install(user=admin_user)
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "admin1", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    blocked = client.get("/admin/")
    assert blocked["Location"].startswith(reverse("accounts:second_factor"))
    client.post(reverse("accounts:second_factor"), {"token": totp_code(device)})
    assert client.get("/admin/").status_code == 200


# Password change, reset, log out everywhere ----------------------------------------------------------------

def test_every_user_can_change_their_password_and_other_sessions_end(officer):
    phone = password_login("officer1")
    computer = password_login("officer1")
    url = reverse("accounts:password_change")
    refused = computer.post(url, {"old_password": PASSWORD, "new_password1": "yangon2026", "new_password2": "yangon2026"})
    assert refused.status_code == 200 and "anyone would try first" in refused.content.decode()
    done = computer.post(url, {"old_password": PASSWORD, "new_password1": "tamarind river 77", "new_password2": "tamarind river 77"})
    assert done.status_code == 302
    assert computer.get(DASHBOARD).status_code == 200
    assert phone.get(DASHBOARD).status_code == 302  # the other session was logged out
    officer.refresh_from_db()
    assert officer.check_password("tamarind river 77")


def test_log_out_everywhere_needs_the_password_and_ends_every_session(staff):
    phone = password_login("staff1")
    computer = password_login("staff1")
    url = reverse("accounts:logout_everywhere")
    wrong = computer.post(url, {"password": "not-mine-123"})
    assert wrong.status_code == 400 and phone.get(DASHBOARD).status_code == 200
    done = computer.post(url, {"password": PASSWORD})
    assert done["Location"] == reverse("login")
    assert phone.get(DASHBOARD).status_code == 302 and computer.get(DASHBOARD).status_code == 302
    login_page = computer.get(reverse("login")).content.decode()
    assert "logged out on every phone and computer" in login_page
    assert password_login("staff1").get(DASHBOARD).status_code == 200  # the password itself still works


def test_an_admin_hands_over_a_one_time_password_link(client, admin_user, staff):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    old_session = password_login("staff1")
    response = client.post(reverse("admin:auth_user_changelist"), {"action": "make_password_links", "_selected_action": [staff.pk]})
    link = re.search(r"<code>(http://testserver/accounts/reset/[^<]+)</code>", response.content.decode()).group(1)
    stranger = Client()
    form = stranger.get(link, follow=True)
    assert b"Choose a new password" in form.content
    set_url = form.redirect_chain[-1][0]
    refused = stranger.post(set_url, {"new_password1": "19930415", "new_password2": "19930415"})
    assert b"entirely numeric" in refused.content
    done = stranger.post(set_url, {"new_password1": "new tamarind 2026", "new_password2": "new tamarind 2026"})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    staff.refresh_from_db()
    assert staff.check_password("new tamarind 2026")
    assert b"does not work any more" in Client().get(link, follow=True).content  # one time only
    assert old_session.get(DASHBOARD).status_code == 302


def test_an_admin_removes_a_lost_second_factor(client, admin_user, manager):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    services.totp_device_install(user=manager)
    services.recovery_codes_issue(user=manager)
    client.force_login(admin_user)
    client.post(reverse("admin:auth_user_changelist"), {"action": "reset_second_factor", "_selected_action": [manager.pk]})
    assert not TOTPDevice.objects.filter(user=manager).exists()
    again = password_login("manager1")
    assert again.get(DASHBOARD)["Location"].startswith(reverse("accounts:second_factor_setup"))


def test_email_reset_only_when_email_is_configured(staff, settings):
    staff.email = "staff1@example.org"
    staff.save()
    assert Client().get(reverse("accounts:password_reset")).status_code == 404
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = Client().post(reverse("accounts:password_reset"), {"email": "staff1@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
