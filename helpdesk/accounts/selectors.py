"""Reads about accounts: who must use a second factor, which devices a user has."""
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk.choices import Role
from helpdesk.selectors import User, _roles, user_is_admin


def second_factor_required(user: User) -> bool:
    """Managers, admins and Django admin-site users see sensitive cases: a password alone is not enough."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user_is_admin(user) or Role.MANAGER in _roles(user).values()


def second_factor_enrolled(user: User) -> bool:
    """True when the user has a confirmed authenticator app or recovery codes."""
    return user_has_device(user, confirmed=True)


def totp_device_for_user(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user: User) -> int:
    """How many unused recovery codes the user still holds."""
    return StaticToken.objects.filter(device__in=StaticDevice.objects.devices_for_user(user, confirmed=True)).count()
