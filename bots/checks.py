"""System checks for bot settings: a missing secret silently refuses every webhook, so say so.

In production (DEBUG off) every missing setting is reported. In development
only the channels someone started configuring are, so other apps' developers
are not told seven times about bots they do not run.
"""
from django.conf import settings
from django.core.checks import Error, Warning, register

CHANNELS = {
    "telegram": [
        ("bots.W001", "TELEGRAM_BOT_TOKEN", "Telegram replies cannot be sent."),
        ("bots.W002", "TELEGRAM_WEBHOOK_SECRET", "the Telegram webhook refuses every call (403)."),
    ],
    "viber": [
        ("bots.W003", "VIBER_AUTH_TOKEN", "the Viber webhook refuses every call and Viber replies cannot be sent."),
    ],
    "twilio": [
        ("bots.W004", "TWILIO_AUTH_TOKEN", "the Twilio SMS and voice webhooks refuse every call (403)."),
        ("bots.W005", "TWILIO_ACCOUNT_SID", "staff replies by SMS cannot be sent."),
        ("bots.W006", "TWILIO_FROM_NUMBER", "staff replies by SMS cannot be sent."),
    ],
    "messenger": [
        ("bots.W008", "MESSENGER_APP_SECRET", "the Messenger webhook refuses every call (403)."),
        ("bots.W009", "MESSENGER_VERIFY_TOKEN", "Meta cannot verify the Messenger webhook URL (403)."),
        ("bots.W010", "MESSENGER_PAGE_ACCESS_TOKEN", "Messenger replies cannot be sent."),
    ],
}


def _missing(check_id: str, name: str, effect: str) -> Warning:
    return Warning(f"{name} is not set: {effect}", hint=f"Set the {name} environment variable (see README, Bots).", id=check_id)


@register("bots")
def check_bot_settings(app_configs, **kwargs):
    problems = []
    any_channel = False
    for entries in CHANNELS.values():
        configured = any(getattr(settings, name, "") for _id, name, _effect in entries)
        any_channel = any_channel or configured
        if configured or not settings.DEBUG:
            problems += [_missing(*entry) for entry in entries if not getattr(settings, entry[1], "")]
    if (any_channel or not settings.DEBUG) and not getattr(settings, "BOT_DEFAULT_CENTRE", ""):
        problems.append(_missing(
            "bots.W007", "BOT_DEFAULT_CENTRE",
            "new bot conversations belong to no centre: only admins see them until a migrant picks a centre.",
        ))
    secret = getattr(settings, "TELEGRAM_WEBHOOK_SECRET", "")
    if secret and (len(secret) > 256 or not all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in secret)):
        problems.append(Error(
            "TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, _ and - (1-256 characters); Telegram rejects it otherwise.",
            id="bots.E001",
        ))
    base = getattr(settings, "MESSENGER_API_BASE", "")
    if getattr(settings, "MESSENGER_APP_SECRET", "") and not base.rstrip("/").rsplit("/", 1)[-1].startswith("v"):
        problems.append(Warning(
            f"MESSENGER_API_BASE ({base}) names no Graph API version: Meta then uses the app's oldest allowed version.",
            hint="Use e.g. https://graph.facebook.com/v25.0 (see docs/bots.md, Messenger).", id="bots.W011",
        ))
    if getattr(settings, "BOT_SEND_MAX_ATTEMPTS", 1) < 1:
        problems.append(Error("BOT_SEND_MAX_ATTEMPTS must be at least 1.", id="bots.E002"))
    return problems
