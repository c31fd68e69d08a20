"""The whole login with a second factor, in a real browser, under the Content-Security-Policy."""
import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "pw-for-tests-1"


def app_code(key_base32: str, offset_steps: int = 0) -> str:
    """What a phone's authenticator app shows for the key it scanned."""
    totp = TOTP(base64.b32decode(key_base32))
    totp.time = totp.time + offset_steps * 30
    return f"{totp.token():06d}"


@pytest.fixture
def csp_violations(page):
    found = []
    page.on("console", lambda message: "Content Security Policy" in message.text and found.append(message.text))
    return found


def password_step(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_manager_enrols_then_logs_in_with_the_app_then_with_a_recovery_code(live_server, page, csp_violations):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("manager", centre, username="daw_su")

    # First login: the password is not enough; the manager is sent to set up the app.
    password_step(page, live_server, "daw_su")
    page.wait_for_url("**/accounts/second-factor/setup/**")
    assert page.locator("[data-testid=totp-qr] svg").is_visible()
    key = page.inner_text("[data-testid=totp-key]").strip()
    assert page.goto(f"{live_server.url}/people/").url.startswith(f"{live_server.url}/accounts/second-factor/setup/")
    page.fill("#id_token", app_code(key))
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url("**/accounts/second-factor/recovery-codes/**")
    codes = page.locator("[data-testid=recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    page.click("text=I have written them down")
    page.wait_for_url(f"{live_server.url}/people/")
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/**")

    # Next login: the code from the app (a code is accepted once, so the next period's code, within tolerance).
    password_step(page, live_server, "daw_su")
    page.wait_for_url("**/accounts/second-factor/?next=%2F")
    page.fill("#id_token", "123456" if app_code(key, 1) != "123456" else "654321")
    page.click("form:has(#id_token) button[type=submit]")
    assert "This code is not right" in page.inner_text("main")
    TOTPDevice.objects.filter(user__username="daw_su").update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.fill("#id_token", app_code(key, 1))
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "My account" in page.inner_text("header")
    page.click("text=Log out")

    # Without the phone: a recovery code, once.
    password_step(page, live_server, "daw_su")
    page.wait_for_url("**/accounts/second-factor/**")
    page.fill("#id_token", codes[0])
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/accounts/security/")
    assert "9 recovery codes left" in page.inner_text("[data-testid=second-factor-status]")
    assert csp_violations == []


def test_language_menu_works_under_the_policy_and_the_account_page_is_in_burmese(live_server, page, login, csp_violations):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    login("moe")
    page.goto(f"{live_server.url}/accounts/security/")
    assert not page.locator("[data-autosubmit-button]").is_visible()  # the script removes the button...
    with page.expect_navigation():
        page.select_option("select[name=language]", "my")  # ...and submits on change
    assert page.locator("html").get_attribute("lang") == "my"
    assert "ကျွန်ုပ်၏ အကောင့်" in page.inner_text("h1")
    assert csp_violations == []


def test_an_admin_passes_the_second_factor_for_the_admin_site(live_server, page, csp_violations):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    admin = member("admin", centre, username="u_admin")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    from helpdesk.accounts.services import totp_device_install

    device = totp_device_install(user=admin)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "u_admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/second-factor/\?next=%2Fadmin%2F"))
    page.fill("#id_token", app_code(base64.b32encode(device.bin_key).decode()))
    page.click("form:has(#id_token) button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#site-name").is_visible()
    page.goto(f"{live_server.url}/admin/auth/user/")
    assert page.locator("text=u_admin").first.is_visible()
    assert csp_violations == []
