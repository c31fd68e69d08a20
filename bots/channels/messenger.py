"""Meta Messenger Platform for a Facebook Page: signed webhooks in, the Send API out.

Meta lets a Page write to a person for 24 hours after that person's last message
("standard messaging window"). Later, only message tags are allowed; the only tag
that fits a helpline is ``HUMAN_AGENT`` (a person answering, up to 7 days, for apps
Meta approved for the Human Agent feature: ``MESSENGER_HUMAN_AGENT``). The other tags
(CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, ACCOUNT_UPDATE) are for events,
purchases and accounts, not case work, so they are not used. Anything else is refused
before it reaches Meta, and staff are told to call.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from bots.channels import SEND_TIMEOUT, AttachmentRef, SendError, same_secret
from bots.channels.telegram import CHOICE_LINE

SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
# Webhook fields the Page is subscribed to (Meta app dashboard, or set_webhooks through subscribed_apps).
SUBSCRIBED_FIELDS = ["messages", "messaging_postbacks", "messaging_referrals", "message_deliveries", "message_reads"]
# The Get Started button sends this; the engine reads it as Telegram's /start (a centre's link adds " TCL").
GET_STARTED = "/start"
STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)
WINDOW_CLOSED = "Messenger allows no message now: call the migrant"
# Inbound kinds that open the messaging window again (what the person sent, not receipts): Meta documents that
# following an m.me link into an existing thread (a "referral") resets the 24-hour window too.
USER_KINDS = ("message", "postback", "referral")
TEXT_LIMIT = 2000  # Send API limit for message.text, in characters
QUICK_REPLY_LIMIT = 13
# Graph API error codes (https://developers.facebook.com/docs/messenger-platform/error-codes).
RATE_LIMIT_CODES = {4, 613}  # application / calls-per-period limits: try again later
RATE_LIMIT_WAIT = 60  # seconds
PERMANENT_CODES = {10, 100, 190, 200, 551}  # outside the window / bad recipient / bad token / no permission / person unavailable
WINDOW_SUBCODE = 2018278  # code 10: "This message is sent outside of allowed window"
ATTACHMENT_KINDS = {"image": "photo", "video": "video", "audio": "voice", "file": "document"}


@dataclass(frozen=True)
class MessengerEvent:
    """One ``messaging`` item of a webhook call: a message, a postback, a receipt, or something we keep out."""

    kind: str  # message, postback, referral, echo, delivery, read, other
    external_id: str
    user_id: str | None
    text: str = ""
    attachments: tuple[AttachmentRef, ...] = ()
    delivered: tuple[str, ...] = ()  # mids a delivery receipt confirms
    watermark: int | None = None  # read receipts: everything sent before this time (ms) was read
    payload: dict = field(default_factory=dict, compare=False)


def signature(body: bytes, secret: str | None = None) -> str:
    key = (settings.MESSENGER_APP_SECRET if secret is None else secret).encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(request) -> bool:
    """Check X-Hub-Signature-256: ``sha256=`` HMAC-SHA256 of the raw body keyed by the app secret."""
    given = request.META.get(SIGNATURE_HEADER, "")
    return bool(settings.MESSENGER_APP_SECRET) and hmac.compare_digest(given.encode(), signature(request.body).encode())


def verify_subscription(params) -> str | None:
    """Answer Meta's webhook check (GET with hub.mode, hub.verify_token, hub.challenge): the challenge, or None."""
    if params.get("hub.mode") != "subscribe" or not same_secret(params.get("hub.verify_token"), settings.MESSENGER_VERIFY_TOKEN):
        return None
    challenge = params.get("hub.challenge", "")
    # Meta sends a number; echo nothing else, so the endpoint cannot be used to reflect arbitrary text.
    return challenge if challenge.isascii() and challenge.isdigit() and len(challenge) <= 64 else None


def parse(data) -> list[MessengerEvent]:
    """Read a webhook call of ``object: page``; raise ValueError when it is not one.

    A call may carry several entries, each with several ``messaging`` events. A
    malformed event inside a well-formed call is kept out as ``other`` so the
    rest of the batch is still stored (Meta would otherwise resend all of it).
    """
    if not isinstance(data, dict) or data.get("object") != "page" or not isinstance(data.get("entry"), list):
        raise ValueError("not a Messenger page webhook")
    events = []
    for entry in data["entry"]:
        if not isinstance(entry, dict):
            raise ValueError("Messenger entry is not an object")
        messaging = entry.get("messaging", [])
        if not isinstance(messaging, list):
            raise ValueError("Messenger messaging is not a list")
        events += [parse_event(item) for item in messaging]
    return events


def _id(value) -> str | None:
    """Page-scoped ids are strings of digits; Meta's own samples sometimes send numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    return value if isinstance(value, str) and value.strip() and len(value) <= 100 else None


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def parse_event(item) -> MessengerEvent:
    """Read one ``messaging`` event (also what the worker re-reads from the stored payload)."""
    if not isinstance(item, dict):
        return MessengerEvent("other", "", None)
    sender = _id((item.get("sender") or {}).get("id")) if isinstance(item.get("sender"), dict) else None
    message, postback = item.get("message"), item.get("postback")
    if isinstance(message, dict):
        mid = _id(message.get("mid"))
        if message.get("is_echo") is True:
            return MessengerEvent("echo", mid or "", None, payload=item)  # our own send (or a Page admin's), not the migrant
        if mid is None or sender is None:
            return MessengerEvent("other", "", None, payload=item)
        quick = message.get("quick_reply")
        # A tapped quick reply posts its title as text; the payload is the choice we offered ("1", "2", ...).
        text = _text(quick.get("payload")) if isinstance(quick, dict) and _text(quick.get("payload")) else _text(message.get("text"))
        return MessengerEvent("message", mid, sender, text, attachments(message.get("attachments")), payload=item)
    if isinstance(postback, dict):
        if sender is None:
            return MessengerEvent("other", "", None, payload=item)
        text = _text(postback.get("payload")) or _text(postback.get("title"))
        if ref := _ref(postback.get("referral")):
            text = f"{GET_STARTED} {ref}"  # Get Started after a centre's m.me link or QR code: m.me/<page>?ref=TCL
        return MessengerEvent("postback", _id(postback.get("mid")) or _derived_id("postback", sender, item.get("timestamp"), text), sender, text, payload=item)
    if sender is not None and (ref := _ref(item.get("referral"))):
        # An m.me link with ?ref= opened an existing thread: read like Telegram's "/start TCL" (menu, centre).
        text = f"{GET_STARTED} {ref}"
        return MessengerEvent("referral", _derived_id("referral", sender, item.get("timestamp"), text), sender, text, payload=item)
    for kind in ("delivery", "read"):
        receipt = item.get(kind)
        if isinstance(receipt, dict):
            mids = receipt.get("mids") if isinstance(receipt.get("mids"), list) else []
            watermark = receipt.get("watermark")
            watermark = watermark if isinstance(watermark, int) and not isinstance(watermark, bool) else None
            return MessengerEvent(kind, "", sender, delivered=tuple(m for m in map(_id, mids) if m), watermark=watermark, payload=item)
    return MessengerEvent("other", "", sender, payload=item)


def watermark_time(watermark: int | None):
    """A receipt's watermark (milliseconds since 1970) as a datetime; None when absent or impossible."""
    if watermark is None or not 0 < watermark < 10**14:
        return None
    return datetime.fromtimestamp(watermark / 1000, tz=UTC)


def _derived_id(kind: str, sender: str, timestamp, text: str) -> str:
    """Events without ``mid`` (referrals; postbacks of older API versions): the same event, resent, gets the same id."""
    digest = hashlib.sha256(f"{sender}|{timestamp}|{text}".encode("utf-8", "replace")).hexdigest()[:32]
    return f"{kind}:{digest}"


def _ref(referral) -> str:
    """The ``ref`` of an m.me link (a centre code on its posters); only a short word is a usable code."""
    ref = referral.get("ref") if isinstance(referral, dict) else None
    return ref.strip() if isinstance(ref, str) and ref.strip() and len(ref) <= 40 and " " not in ref.strip() else ""


def attachments(value) -> tuple[AttachmentRef, ...]:
    """Describe photos, voice clips, videos, files, stickers and locations; links ("fallback") are left in the payload."""
    found = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("payload"), dict):
            continue
        kind, payload = item.get("type"), item["payload"]
        url = _text(payload.get("url"))[:2000]
        if kind == "location":
            coordinates = payload.get("coordinates")
            if isinstance(coordinates, dict) and all(_number(coordinates.get(k)) for k in ("lat", "long")):
                found.append(AttachmentRef("location", latitude=float(coordinates["lat"]), longitude=float(coordinates["long"])))
        elif kind == "image" and payload.get("sticker_id") is not None:
            found.append(AttachmentRef("sticker", file_ref=url))
        elif kind in ATTACHMENT_KINDS and url:
            found.append(AttachmentRef(ATTACHMENT_KINDS[kind], file_ref=url))
    return tuple(found)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= 180


def quick_replies(text: str) -> list[dict]:
    """Buttons for the numbers offered in the last question of a bot reply, so a tap answers it."""
    last_question = text.rsplit("\n\n", 1)[-1]
    numbers = list(dict.fromkeys(CHOICE_LINE.findall(last_question)))[:QUICK_REPLY_LIMIT]
    return [{"content_type": "text", "title": n, "payload": n} for n in numbers]


def chunks(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split a long reply at line breaks (else spaces) into messages Messenger accepts (2,000 characters each)."""
    parts, rest = [], text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= limit // 2:
            cut = rest.rfind(" ", 0, limit)  # Burmese separates phrases with spaces: cut there rather than mid-word
        cut = cut if cut > limit // 2 else limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest]


def last_heard(conversation):
    """When the migrant last wrote (or tapped): the start of Meta's messaging windows."""
    return conversation.inbound.filter(kind__in=USER_KINDS).aggregate(at=Max("received_at"))["at"]


def messaging_type(conversation, *, from_bot: bool, now=None) -> dict:
    """Return the Send API fields allowed now, or raise a permanent SendError telling staff to call."""
    heard = last_heard(conversation)
    age = (now or timezone.now()) - heard if heard else None
    if age is not None and age <= STANDARD_WINDOW:
        return {"messaging_type": "RESPONSE"}
    if age is not None and not from_bot and settings.MESSENGER_HUMAN_AGENT and age <= HUMAN_AGENT_WINDOW:
        return {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
    raise SendError(WINDOW_CLOSED, permanent=True)


def may_send(conversation, *, from_bot: bool) -> bool:
    try:
        messaging_type(conversation, from_bot=from_bot)
    except SendError:
        return False
    return True


def call(path: str, payload: dict, *, client: httpx.Client | None = None) -> dict:
    """POST to the Graph API with the page token; map its errors to SendError (the token masked)."""
    token = settings.MESSENGER_PAGE_ACCESS_TOKEN
    if not token:
        raise SendError("MESSENGER_PAGE_ACCESS_TOKEN is not set")
    url = f"{settings.MESSENGER_API_BASE.rstrip('/')}/{path}"
    try:
        response = (client or httpx).post(url, json=payload, params={"access_token": token}, timeout=SEND_TIMEOUT)
    except httpx.HTTPError as exc:
        raise SendError(f"Messenger unreachable: {exc.__class__.__name__}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    if response.status_code == 200 and "error" not in body:
        return body
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    description = f"Messenger {path}: {error.get('message') or f'HTTP {response.status_code}'} (code {code}, subcode {subcode})"
    if code in RATE_LIMIT_CODES:
        raise SendError(description, retry_after=RATE_LIMIT_WAIT)
    if subcode == WINDOW_SUBCODE:
        raise SendError(f"{WINDOW_CLOSED}. {description}", permanent=True)
    # Codes 1 and 2 are Meta's "unknown/temporary" errors, and 5xx its outages: those are retried.
    permanent = code in PERMANENT_CODES or (response.status_code in (400, 403) and code not in (1, 2))
    raise SendError(description, permanent=permanent)


def send(conversation, text: str, *, from_bot: bool = False) -> str:
    """Send a reply (split at 2,000 characters); return the id of the last message Meta created."""
    fields = messaging_type(conversation, from_bot=from_bot)
    parts = chunks(text)
    message_id = ""
    for number, part in enumerate(parts, start=1):
        message = {"text": part}
        if from_bot and number == len(parts) and (buttons := quick_replies(text)):
            message["quick_replies"] = buttons
        body = call("me/messages", {"recipient": {"id": conversation.external_user_id}, "message": message, **fields})
        message_id = str(body.get("message_id", ""))
    return message_id


def broadcast_window_open(heard, now=None) -> bool:
    """A broadcast may go only inside the 24-hour window: no message tag allows news or information."""
    return heard is not None and (now or timezone.now()) - heard <= STANDARD_WINDOW


def broadcast_send(user_id: str, text: str, *, photo_url: str = "", client: httpx.Client | None = None) -> str:
    """Send a broadcast inside the window (``messaging_type=UPDATE``: not a reply); return the last message id."""
    message_id = ""
    if photo_url:
        body = call("me/messages", {"recipient": {"id": user_id}, "messaging_type": "UPDATE",
                                    "message": {"attachment": {"type": "image", "payload": {"url": photo_url}}}}, client=client)
        message_id = str(body.get("message_id", ""))
    for part in chunks(text):
        body = call("me/messages", {"recipient": {"id": user_id}, "messaging_type": "UPDATE", "message": {"text": part}}, client=client)
        message_id = str(body.get("message_id", ""))
    return message_id


def subscribe_page() -> dict:
    """Subscribe this app to the Page's messaging webhook fields (the callback URL itself is set in the app dashboard),
    and give the Page a Get Started button whose tap the engine reads as /start."""
    body = call("me/subscribed_apps", {"subscribed_fields": ",".join(SUBSCRIBED_FIELDS)})
    call("me/messenger_profile", {"get_started": {"payload": GET_STARTED}})
    return body
