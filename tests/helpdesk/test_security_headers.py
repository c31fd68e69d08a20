"""Content-Security-Policy: no inline script on any page, and the header forbids it."""
import re

import pytest

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=", re.IGNORECASE)


def test_pages_send_a_policy_without_inline_script(staff_client):
    response = staff_client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("url", [
    "/", "/people/", "/people/new/", "/contacts/", "/contacts/new/", "/activities/", "/activities/new/", "/referrals/",
    "/reports/", "/complaints/", "/agencies/", "/agencies/check/", "/bots/inbox/",
    "/accounts/security/", "/accounts/password_change/", "/accounts/second-factor/setup/",
])
def test_no_page_has_inline_script(admin_client_verified, url):
    response = admin_client_verified.get(url)
    assert response.status_code == 200, url
    assert INLINE_SCRIPT.findall(response.content.decode()) == []


@pytest.mark.parametrize("url", ["/accounts/login/", "/agencies/check/?q=golden"])
def test_public_pages_have_no_inline_script(client, url):
    assert INLINE_SCRIPT.findall(client.get(url).content.decode()) == []


@pytest.fixture
def admin_client_verified(client, admin_user):
    client.force_login(admin_user)
    return client
