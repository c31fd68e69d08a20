"""The command that removes a lost second factor when no admin can log in."""
import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.accounts import services

pytestmark = pytest.mark.django_db


def test_removes_the_app_and_the_recovery_codes(admin_user, staff):
    for user in (admin_user, staff):
        services.totp_device_install(user=user)
        services.recovery_codes_issue(user=user)
    out = io.StringIO()
    call_command("second_factor_reset", "admin1", stdout=out)
    assert "Removed 2" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=admin_user).exists() and not StaticDevice.objects.filter(user=admin_user).exists()
    assert TOTPDevice.objects.filter(user=staff).exists()  # nobody else's


def test_an_unknown_username_is_an_error(db):
    with pytest.raises(CommandError, match="No user 'ghost'"):
        call_command("second_factor_reset", "ghost")
