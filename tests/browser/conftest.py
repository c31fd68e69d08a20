"""Playwright driving Debian's chromium (Playwright cannot download browsers here)."""
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("chromium is required (apt-get install chromium)")
        pytest.skip("chromium not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are in another.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone screen
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    """Log in through the real form and return the page.

    Managers and admins (and anyone enrolled) then type the code their authenticator app would show,
    computed from their device's key (a device is installed for them first if they have none).
    """
    from django.contrib.auth import get_user_model

    from helpdesk.accounts.selectors import second_factor_enrolled, second_factor_required
    from helpdesk.accounts.services import totp_device_install
    from tests.helpdesk.accounts.helpers import totp_code

    def _login(username: str, password: str = "pw-for-tests-1"):
        user = get_user_model().objects.get(username=username)
        device = totp_device_install(user=user) if second_factor_required(user) or second_factor_enrolled(user) else None
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        if device is not None:
            page.wait_for_url("**/accounts/second-factor/**")
            # A code is accepted once: a second login in the same 30 s uses the next period's code (within tolerance).
            for step in (0, 1):
                device.refresh_from_db()
                page.fill("#id_token", totp_code(device, offset_steps=step))
                page.click("form:has(#id_token) button[type=submit]")
                page.wait_for_load_state()
                if "/accounts/second-factor/" not in page.url:
                    break
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _login
