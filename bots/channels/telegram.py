"""Telegram Bot API: webhook parsing with python-telegram-bot, sending with sendMessage."""
from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
from django.conf import settings
from telegram import Update

from bots.channels import SEND_TIMEOUT, AttachmentRef, SendError, same_secret

SECRET_HEADER = "HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


@dataclass(frozen=True)
class TelegramInbound:
    external_id: str
    user_id: str | None
    text: str
    kind: str
    display_name: str
    attachments: tuple[AttachmentRef, ...] = ()


def verify(request) -> bool:
    """Check the secret token Telegram sends with every webhook call (set by setWebhook)."""
    return same_secret(request.META.get(SECRET_HEADER), settings.TELEGRAM_WEBHOOK_SECRET)


def parse(data: dict) -> TelegramInbound:
    """Read an Update; raise ValueError when it is not one. No network call is made."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("not a Telegram update")
    try:
        update = Update.de_json(data, None)
        return _read(update)
    except Exception as exc:  # untrusted input: any failure to read it (OverflowError on a huge date, ...) is a bad payload
        raise ValueError(f"malformed Telegram update: {exc.__class__.__name__}") from exc


def _chat_id(value) -> str:
    """Telegram chat ids are integers: anything else ("", null, a list) is a malformed update, not an anonymous one."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("chat id is not an integer")
    return str(value)


def _read(update: Update) -> TelegramInbound:
    external_id = str(update.update_id)
    if update.message is not None:
        message, kind, text = update.message, "message", update.message.text or update.message.caption or ""
    elif update.callback_query is not None:
        query = update.callback_query
        message, kind, text = query.message, "callback_query", query.data if isinstance(query.data, str) else ""
        user = query.from_user
        chat_id = message.chat.id if message is not None else user.id
        return TelegramInbound(external_id, _chat_id(chat_id), text, kind, _name(user))
    elif update.edited_message is not None:
        # An edit is kept in the transcript but not answered: the bot already replied to the original.
        message, kind, text = update.edited_message, "edited_message", update.edited_message.text or ""
    else:
        return TelegramInbound(external_id, None, "", "other", "")
    text = text if isinstance(text, str) else ""
    if message.chat.type != "private":
        return TelegramInbound(external_id, None, text, "group", "")
    files = attachments(message) if kind == "message" else ()
    return TelegramInbound(external_id, _chat_id(message.chat.id), text, kind, _name(message.from_user), files)


def attachments(message) -> tuple[AttachmentRef, ...]:
    """What a message carries besides text: the largest photo size, a document, voice note, audio, video, sticker or place."""
    found = []
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width or 0) * (p.height or 0))
        found.append(AttachmentRef("photo", largest.file_id, "image/jpeg", largest.file_size))
    for kind, item in (("document", message.document), ("voice", message.voice), ("audio", message.audio),
                       ("video", message.video), ("sticker", message.sticker)):
        if item is not None:
            default_mime = "image/webp" if kind == "sticker" else ""
            found.append(AttachmentRef(
                kind, item.file_id, getattr(item, "mime_type", None) or default_mime, item.file_size,
                (getattr(item, "file_name", None) or "")[:200],
            ))
    if message.location is not None:
        found.append(AttachmentRef("location", latitude=message.location.latitude, longitude=message.location.longitude))
    return tuple(found)


def _name(user) -> str:
    if user is None:
        return ""
    return " ".join(part for part in (user.first_name, user.last_name) if part) or (user.username or "")


def api_url(method: str) -> str:
    return f"{settings.TELEGRAM_API_BASE.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}"


def call(method: str, payload: dict, *, client: httpx.Client | None = None) -> dict:
    """Call a Bot API method; raise SendError (with the token masked) on failure.

    ``client`` keeps one connection open across calls (a broadcast batch: no TLS handshake per message).
    """
    if not settings.TELEGRAM_BOT_TOKEN:
        raise SendError("TELEGRAM_BOT_TOKEN is not set")
    try:
        response = (client or httpx).post(api_url(method), json=payload, timeout=SEND_TIMEOUT)
    except httpx.HTTPError as exc:
        raise SendError(f"Telegram unreachable: {exc.__class__.__name__}: {exc}") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 200 and body.get("ok"):
        return body
    description = body.get("description") or f"HTTP {response.status_code}"
    retry_after = (body.get("parameters") or {}).get("retry_after")
    # 400 (chat not found) and 403 (blocked by the user) will not get better by retrying.
    permanent = response.status_code in (400, 403)
    raise SendError(f"Telegram {method}: {description}", permanent=permanent, retry_after=retry_after)


# A numbered choice at the start of a line: "2. Ask the centre..." or "၂။ စင်တာမှ...".
CHOICE_LINE = re.compile(r"^\s*([0-9\u1040-\u1049]{1,2})[.\u104b]\s", re.M)
KEYBOARD_ROW = 5


def keyboard(text: str) -> dict:
    """Buttons for the numbers offered in the last question of a bot reply, so a tap answers it."""
    last_question = text.rsplit("\n\n", 1)[-1]
    numbers = list(dict.fromkeys(CHOICE_LINE.findall(last_question)))
    if not numbers:
        return {"remove_keyboard": True}
    rows = [[{"text": n} for n in numbers[i:i + KEYBOARD_ROW]] for i in range(0, len(numbers), KEYBOARD_ROW)]
    return {"keyboard": rows, "resize_keyboard": True, "one_time_keyboard": True}


def send(conversation, text: str, *, from_bot: bool = False) -> str:
    payload = {"chat_id": conversation.external_user_id, "text": text}
    if from_bot:
        payload["reply_markup"] = keyboard(text)
    body = call("sendMessage", payload)
    return str(body.get("result", {}).get("message_id", ""))


CAPTION_LIMIT = 1024


def broadcast_send(chat_id: str, text: str, *, photo_url: str = "", client: httpx.Client | None = None) -> str:
    """Send a broadcast to one chat (no keyboard: it answers no question); a photo carries the text as caption."""
    if photo_url and len(text) <= CAPTION_LIMIT:
        body = call("sendPhoto", {"chat_id": chat_id, "photo": photo_url, "caption": text}, client=client)
    else:
        if photo_url:
            call("sendPhoto", {"chat_id": chat_id, "photo": photo_url}, client=client)
        body = call("sendMessage", {"chat_id": chat_id, "text": text}, client=client)
    return str(body.get("result", {}).get("message_id", ""))


def file_url(file_id: str) -> str:
    """Ask getFile where a file is; the answer's path is fetched from /file/bot<token>/ (the token never reaches a log)."""
    body = call("getFile", {"file_id": file_id})
    path = (body.get("result") or {}).get("file_path")
    if not isinstance(path, str) or not path:
        raise SendError("Telegram getFile: no file_path (file larger than 20 MB?)", permanent=True)
    return f"{settings.TELEGRAM_API_BASE.rstrip('/')}/file/bot{settings.TELEGRAM_BOT_TOKEN}/{path}"


def set_webhook(url: str) -> dict:
    return call("setWebhook", {"url": url, "secret_token": settings.TELEGRAM_WEBHOOK_SECRET, "allowed_updates": ALLOWED_UPDATES})
