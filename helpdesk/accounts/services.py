"""Writes about accounts: enrolling and checking a second factor, ending sessions."""
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _totp_device(user: AbstractBaseUser, *, confirmed: bool) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=confirmed)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_enrolment_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """Return the user's pending (unconfirmed) authenticator device, creating one with a fresh key."""
    return _totp_device(user, confirmed=False)


@transaction.atomic
def totp_enrolment_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a pending device with a code from the app; replace older devices; return new recovery codes.

    Returns None (and confirms nothing) when the code is wrong. The session counts as verified at once.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_issue(user=request.user)
    otp_login(request, device)
    return codes


@transaction.atomic
def totp_device_install(*, user: AbstractBaseUser) -> TOTPDevice:
    """Give the user a confirmed authenticator device unless they have one (demo logins: key printed by seed_demo)."""
    return _totp_device(user, confirmed=True)


@transaction.atomic
def recovery_codes_issue(*, user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes with new ones (each works once); return them to show once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


VERIFIED, WRONG, THROTTLED = "verified", "wrong", "throttled"


def second_factor_verify(*, request: HttpRequest, token: str) -> str:
    """Check a code (authenticator app or recovery code) against the user's devices; mark the session verified.

    Each device applies django-otp's throttling: after a wrong code it refuses every code for a
    delay that doubles each time. Returns VERIFIED, WRONG, or THROTTLED when no device would check.
    """
    token = token.strip().replace(" ", "")
    with transaction.atomic():
        devices = list(devices_for_user(request.user, confirmed=True, for_verify=True))
        if devices and not any(device.verify_is_allowed()[0] for device in devices):
            return THROTTLED
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                return VERIFIED
    return WRONG


@transaction.atomic
def second_factor_reset(*, user: AbstractBaseUser) -> int:
    """Remove the user's authenticator apps and recovery codes (a lost phone); return how many devices went.

    A manager or admin must then enrol again at the next login.
    """
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    return removed


def sessions_end_everywhere(*, request: HttpRequest, password: str) -> bool:
    """End every session of the signed-in user (shared or lost phones), if ``password`` is theirs.

    Django ties each session to the password hash; storing the same password with a new salt
    changes the hash, so every existing session, on every device, stops being valid. The password
    is checked through ``authenticate`` so django-axes counts wrong ones like wrong logins.
    """
    user = request.user
    if authenticate(request, username=user.get_username(), password=password) is None:
        return False
    user.set_password(password)
    user.save(update_fields=["password"])
    return True
