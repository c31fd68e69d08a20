"""What a phone's authenticator app would show, computed from the device key."""
from django_otp.oath import TOTP


def totp_code(device, offset_steps: int = 0) -> str:
    """The six-digit code the app shows now (or ``offset_steps`` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"
