"""Viber REST bot API: signed callbacks in, /pa/send_message out."""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

import httpx
from django.conf import settings

from bots.channels import SEND_TIMEOUT, AttachmentRef, SendError

SIGNATURE_HEADER = "HTTP_X_VIBER_CONTENT_SIGNATURE"
EVENT_TYPES = ["delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"]
STATUS_EVENTS = {"delivered", "seen", "failed"}
# Viber answers these send_message statuses for users we may not write to; retrying cannot help.
PERMANENT_STATUSES = {5, 6, 7, 10, 11}  # receiver not registered / not subscribed / blocked / inactive
TOO_MANY_REQUESTS = 12
RATE_LIMIT_WAIT = 60  # seconds: Viber gives no retry_after
BROADCAST_LIMIT = 300  # receivers per broadcast_message call (Viber's limit)
PICTURE_TEXT_LIMIT = 768  # characters of a picture message's description


@dataclass(frozen=True)
class ViberEvent:
    event: str
    external_id: str
    user_id: str | None
    text: str
    display_name: str
    description: str = ""
    attachments: tuple[AttachmentRef, ...] = ()


def signature(body: bytes) -> str:
    return hmac.new(settings.VIBER_AUTH_TOKEN.encode(), body, hashlib.sha256).hexdigest()


def verify(request) -> bool:
    """Check X-Viber-Content-Signature: HMAC-SHA256 of the raw body keyed by the auth token."""
    given = request.META.get(SIGNATURE_HEADER, "")
    return bool(settings.VIBER_AUTH_TOKEN) and hmac.compare_digest(given.encode(), signature(request.body).encode())


def parse(data: dict) -> ViberEvent:
    """Read a callback; raise ValueError when required fields are missing or of the wrong type."""
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        raise ValueError("not a Viber callback")
    event = data["event"]
    token = data.get("message_token")
    if event == "webhook":
        return ViberEvent(event, f"webhook:{token}:{data.get('timestamp')}", None, "", "")
    if not isinstance(token, (int, str)) or isinstance(token, bool):
        raise ValueError("Viber callback without message_token")
    if event == "message":
        sender, message = data.get("sender"), data.get("message")
        if not isinstance(sender, dict) or not isinstance(message, dict) or not isinstance(sender.get("id"), str):
            raise ValueError("Viber message without sender or message")
        # A picture or video may carry a caption in "text"; a file's or sticker's text is not the user's.
        text = message.get("text") if message.get("type") in ("text", "picture", "video") else ""
        return ViberEvent(event, str(token), sender["id"], text if isinstance(text, str) else "", _name(sender), "", attachments(message))
    if event in ("subscribed", "conversation_started"):
        user = data.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            raise ValueError(f"Viber {event} without user")
        return ViberEvent(event, f"{event}:{token}", user["id"], "", _name(user))
    if event == "unsubscribed" or event in STATUS_EVENTS:
        user_id = data.get("user_id")
        if not isinstance(user_id, str):
            raise ValueError(f"Viber {event} without user_id")
        desc = data.get("desc") if isinstance(data.get("desc"), str) else ""
        return ViberEvent(event, f"{event}:{token}:{user_id}", user_id, "", "", desc)
    raise ValueError(f"unknown Viber event {event[:30]!r}")


# Viber message type -> our attachment kind; Viber gives a media URL to download (no token needed).
MEDIA_KINDS = {"picture": "photo", "file": "document", "video": "video", "sticker": "sticker"}


def attachments(message: dict) -> tuple[AttachmentRef, ...]:
    """The picture, file, video, sticker or location of a Viber message, as Viber describes it."""
    kind = MEDIA_KINDS.get(message.get("type"))
    if kind is not None:
        media = message.get("media")
        size = message.get("size")
        name = message.get("file_name")
        return (AttachmentRef(
            kind, media if isinstance(media, str) else "", "image/jpeg" if kind == "photo" else "",
            size if isinstance(size, int) and not isinstance(size, bool) else None, name[:200] if isinstance(name, str) else "",
        ),)
    location = message.get("location")
    if message.get("type") == "location" and isinstance(location, dict):
        lat, lon = location.get("lat"), location.get("lon")
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
            return (AttachmentRef("location", latitude=float(lat), longitude=float(lon)),)
    return ()


def _name(user: dict) -> str:
    name = user.get("name")
    return name[:200] if isinstance(name, str) else ""


def sender() -> dict:
    return {"name": settings.BOT_NAME[:28]}


def welcome_body(text: str) -> str:
    """The welcome message Viber shows when a user opens the chat, returned in the webhook response."""
    return json.dumps({"sender": sender(), "type": "text", "text": text}, ensure_ascii=False)


def call(path: str, payload: dict) -> dict:
    if not settings.VIBER_AUTH_TOKEN:
        raise SendError("VIBER_AUTH_TOKEN is not set")
    url = f"{settings.VIBER_API_BASE.rstrip('/')}/pa/{path}"
    try:
        response = httpx.post(url, json=payload, headers={"X-Viber-Auth-Token": settings.VIBER_AUTH_TOKEN}, timeout=SEND_TIMEOUT)
        body = response.json()
    except httpx.HTTPError as exc:
        raise SendError(f"Viber unreachable: {exc.__class__.__name__}: {exc}") from None
    except ValueError:
        raise SendError(f"Viber {path}: HTTP {response.status_code}, not JSON") from None
    if response.status_code == 200 and body.get("status") == 0:
        return body
    status = body.get("status")
    description = f"Viber {path}: {body.get('status_message') or response.status_code} ({status})"
    if status == TOO_MANY_REQUESTS or response.status_code == 429:
        raise SendError(description, retry_after=RATE_LIMIT_WAIT)
    raise SendError(description, permanent=status in PERMANENT_STATUSES)


def send(conversation, text: str, *, from_bot: bool = False) -> str:
    body = call("send_message", {"receiver": conversation.external_user_id, "type": "text", "text": text, "sender": sender()})
    return str(body.get("message_token", ""))


def broadcast(receivers: list[str], text: str, *, photo_url: str = "") -> tuple[str, dict[str, str]]:
    """Send one text (or picture with caption) to up to 300 subscribers in one ``broadcast_message`` call.

    Return the message token (the same for every receiver: delivered/seen callbacks carry it with the
    user id) and ``{receiver: why it failed}`` from Viber's ``failed_list``.
    """
    if len(receivers) > BROADCAST_LIMIT:
        raise ValueError(f"Viber takes at most {BROADCAST_LIMIT} receivers per broadcast_message call")
    payload = {"broadcast_list": receivers, "sender": sender(), "type": "text", "text": text}
    if photo_url and len(text) <= PICTURE_TEXT_LIMIT:
        payload.update(type="picture", media=photo_url)  # the text is the picture's description
    elif photo_url:  # too long to describe the picture: the picture alone, then the text
        call("broadcast_message", {**payload, "type": "picture", "media": photo_url, "text": ""})
    body = call("broadcast_message", payload)
    failed = {}
    for item in body.get("failed_list") or []:
        if isinstance(item, dict) and isinstance(item.get("receiver"), str):
            failed[item["receiver"]] = f"Viber: {item.get('status_message') or 'failed'} ({item.get('status')})"[:300]
    return str(body.get("message_token", "")), failed


def set_webhook(url: str) -> dict:
    return call("set_webhook", {"url": url, "event_types": EVENT_TYPES, "send_name": True, "send_photo": False})
