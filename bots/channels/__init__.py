"""Channel adapters: turn a webhook into an inbound message, and a reply into the channel's API call.

Each adapter has ``verify(request)`` (authenticity, checked before parsing),
``send(conversation, text) -> external id`` (raises :class:`SendError`) and
webhook parsing. Secrets and API base URLs come from settings.
"""
from __future__ import annotations

import hmac
import logging
import math
from dataclasses import dataclass

from django.conf import settings

SEND_TIMEOUT = 15  # seconds; a slow channel only delays the worker, never a webhook

SECRET_SETTINGS = (
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "VIBER_AUTH_TOKEN", "TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID",
    "MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN",
)


@dataclass(frozen=True)
class AttachmentRef:
    """A photo, document, voice note, video, sticker or location a migrant sent, as the channel describes it.

    Adapters only describe; the worker downloads ``file_ref`` (a channel file id or URL) within size and type
    limits. ``kind`` is one of ATTACHMENT_KINDS. A location has coordinates and no file.
    """

    kind: str
    file_ref: str = ""
    mime: str = ""
    size: int | None = None
    name: str = ""
    latitude: float | None = None
    longitude: float | None = None


ATTACHMENT_KINDS = ("photo", "document", "voice", "audio", "video", "sticker", "location", "contact")


class SendError(Exception):
    """Sending failed. ``permanent`` means retrying cannot help (the user blocked the bot)."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: int | None = None):
        super().__init__(mask_secrets(message))
        self.permanent = permanent
        self.retry_after = retry_after


def mask_secrets(text: str) -> str:
    """Replace every configured bot secret in ``text`` (URLs in errors carry the Telegram token)."""
    for name in SECRET_SETTINGS:
        secret = getattr(settings, name, "")
        if secret and len(secret) >= 6:
            text = text.replace(secret, f"{secret[:3]}…{name}")
    return text


def same_secret(given: str | None, expected: str) -> bool:
    """Compare in constant time; an unset expected secret never matches."""
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


def clean_payload(value):
    """Return JSON data safe for any database: no NUL characters, no lone surrogates, only finite numbers.

    PostgreSQL rejects both in text and jsonb (and NaN/Infinity in jsonb); a webhook must never fail on them.
    """
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {clean_payload(str(k)): clean_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_payload(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class MaskSecretsFilter(logging.Filter):
    """Mask bot secrets in log lines of libraries that log request URLs (httpx logs the Telegram token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


LOGGERS_TO_MASK = ("httpx", "httpcore", "telegram", "twilio", "bots")


def install_log_masking() -> None:
    mask = MaskSecretsFilter()
    for name in LOGGERS_TO_MASK:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskSecretsFilter) for f in logger.filters):
            logger.addFilter(mask)
