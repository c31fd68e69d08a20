"""Twilio: SMS answered with TwiML, a voice menu that records call-back requests, SMS sent by staff."""
from __future__ import annotations

import httpx
from django.conf import settings
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bots.channels import SEND_TIMEOUT, AttachmentRef, SendError

SIGNATURE_HEADER = "HTTP_X_TWILIO_SIGNATURE"
OPTED_OUT_ERROR = 21610  # "Attempt to send to unsubscribed recipient": the person texted STOP


def public_url(request) -> str:
    """Return the URL Twilio called, which the signature covers.

    Behind a proxy that terminates TLS, set ``BOT_PUBLIC_URL`` (e.g.
    https://helpdesk.example.org) so the URL is rebuilt as Twilio saw it;
    otherwise Django's idea of scheme and host is used.
    """
    base = settings.BOT_PUBLIC_URL.rstrip("/")
    return f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()


def verify(request) -> bool:
    """Check X-Twilio-Signature over the full URL and the POSTed form fields."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.META.get(SIGNATURE_HEADER)
    if not token or not signature:
        return False
    params = {key: request.POST.get(key) for key in request.POST}
    return RequestValidator(token).validate(public_url(request), params, signature)


MAX_MEDIA = 10  # Twilio sends at most 10 media per MMS


def attachments(form: dict) -> tuple[AttachmentRef, ...]:
    """An MMS's media: ``NumMedia`` and ``MediaUrlN``/``MediaContentTypeN`` (fetched with the account's basic auth)."""
    try:
        count = min(int(form.get("NumMedia") or 0), MAX_MEDIA)
    except ValueError:
        return ()
    found = []
    for i in range(max(count, 0)):
        url, mime = form.get(f"MediaUrl{i}", ""), form.get(f"MediaContentType{i}", "")
        if url:
            kind = "photo" if mime.startswith("image/") else "voice" if mime.startswith("audio/") else "video" if mime.startswith("video/") else "document"
            found.append(AttachmentRef(kind, url, mime))
    return tuple(found)


def messaging_twiml(replies: list[str]) -> str:
    response = MessagingResponse()
    for reply in replies:
        response.message(reply)
    return str(response)


def status_callback_url() -> str:
    """Where Twilio posts delivery status (``bots:twilio_status``); empty without ``BOT_PUBLIC_URL``.

    Twilio needs a public URL; without one no callback is asked for and SMS delivery stays "not reported".
    """
    from django.urls import reverse

    base = settings.BOT_PUBLIC_URL.rstrip("/")
    return f"{base}{reverse('bots:twilio_status')}" if base else ""


# Twilio's MessageStatus -> our receipt status; queued/sending/sent/accepted/scheduled say nothing new.
STATUS_MAP = {"delivered": "delivered", "undelivered": "failed", "failed": "failed", "read": "seen"}


def send(conversation, text: str, *, from_bot: bool = False) -> str:
    """Send an SMS (staff replies, and replies to callers, who are reached by SMS)."""
    sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
    if not (sid and token and settings.TWILIO_FROM_NUMBER):
        raise SendError("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER must be set")
    url = f"{settings.TWILIO_API_BASE.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
    data = {"To": conversation.external_user_id, "From": settings.TWILIO_FROM_NUMBER, "Body": text}
    if callback := status_callback_url():
        data["StatusCallback"] = callback  # delivered/undelivered arrive at bots:twilio_status
    try:
        response = httpx.post(url, data=data, auth=(sid, token), timeout=SEND_TIMEOUT)
        body = response.json()
    except httpx.HTTPError as exc:
        raise SendError(f"Twilio unreachable: {exc.__class__.__name__}: {exc}") from None
    except ValueError:
        raise SendError(f"Twilio: HTTP {response.status_code}, not JSON") from None
    if response.status_code in (200, 201):
        return str(body.get("sid", ""))
    # 4xx other than 429 are bad numbers or opted-out recipients: retrying cannot help.
    error = SendError(f"Twilio: {body.get('message') or response.status_code}", permanent=400 <= response.status_code < 500 and response.status_code != 429)
    error.opted_out = body.get("code") == OPTED_OUT_ERROR
    raise error


# SMS segments --------------------------------------------------------------------------------
# GSM 03.38: the basic table (one septet each) and the extension table (escape + char: two septets).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")


def sms_segments(text: str) -> int:
    """How many SMS parts the carrier bills for ``text``.

    GSM-7: 160 septets in one part, 153 per part when split (an extended character such as
    ``€`` or ``[`` takes two). Any other character (Burmese, "…", curly quotes) makes the whole
    message UCS-2: 70 UTF-16 units in one part, 67 per part.
    """
    if not text:
        return 0
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else -(-units // part)
