"""The Telegram update reader against python-telegram-bot's: equal on every update the library accepts (issue 13.4).

``bots.channels.telegram.parse`` reads the JSON directly (the library's objects cost more
CPU than storing the update). The reference below is the reader it replaced, built on
``telegram.Update``; random values in real updates must give the same event, or a ValueError.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bots.channels import AttachmentRef, telegram
from tests.bots.conftest import load

FIXTURES = ["message", "callback_query", "edited_message", "group_message", "photo", "document", "voice", "location", "sticker"]


def reference(data):
    """The former reader (python-telegram-bot objects), kept as the oracle."""
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("not a Telegram update")
    try:
        update = Update.de_json(data, None)
        return _reference_read(update)
    except Exception as exc:
        raise ValueError(exc.__class__.__name__) from exc


def _reference_read(update):
    external_id = str(update.update_id)
    if update.message is not None:
        message, kind, text = update.message, "message", update.message.text or update.message.caption or ""
    elif update.callback_query is not None:
        query = update.callback_query
        message, kind, text = query.message, "callback_query", query.data if isinstance(query.data, str) else ""
        user = query.from_user
        chat_id = message.chat.id if message is not None else user.id
        return telegram.TelegramInbound(external_id, telegram._chat_id(chat_id), text, kind, _reference_name(user))
    elif update.edited_message is not None:
        message, kind, text = update.edited_message, "edited_message", update.edited_message.text or ""
    else:
        return telegram.TelegramInbound(external_id, None, "", "other", "")
    text = text if isinstance(text, str) else ""
    if message.chat.type != "private":
        return telegram.TelegramInbound(external_id, None, text, "group", "")
    files = _reference_attachments(message) if kind == "message" else ()
    return telegram.TelegramInbound(external_id, telegram._chat_id(message.chat.id), text, kind, _reference_name(message.from_user), files)


def _reference_attachments(message):
    found = []
    if message.photo:
        largest = max(message.photo, key=lambda p: (p.width or 0) * (p.height or 0))
        found.append(AttachmentRef("photo", largest.file_id, "image/jpeg", largest.file_size))
    for kind, item in (("document", message.document), ("voice", message.voice), ("audio", message.audio),
                       ("video", message.video), ("sticker", message.sticker)):
        if item is not None:
            default_mime = "image/webp" if kind == "sticker" else ""
            found.append(AttachmentRef(kind, item.file_id, getattr(item, "mime_type", None) or default_mime, item.file_size,
                                       (getattr(item, "file_name", None) or "")[:200]))
    if message.location is not None:
        found.append(AttachmentRef("location", latitude=message.location.latitude, longitude=message.location.longitude))
    return tuple(found)


def _reference_name(user):
    if user is None:
        return ""
    return " ".join(part for part in (user.first_name, user.last_name) if part) or (user.username or "")


def outcome(read, data):
    try:
        return read(data)
    except ValueError:
        return ValueError


@pytest.mark.parametrize("name", FIXTURES)
def test_every_recorded_update_reads_as_the_library_reads_it(name):
    data = load(f"telegram_{name}")
    assert telegram.parse(data) == reference(data)


scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False) | st.text(max_size=12)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)


def _paths(value, prefix=()):
    """Every key path in a JSON object, parents before children."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield (*prefix, i)
            yield from _paths(child, (*prefix, i))


def _mutate(data, path, action, value):
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if action == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(FIXTURES))
def test_random_values_in_real_updates_read_as_the_library_reads_them_or_are_refused(data, name):
    update = load(f"telegram_{name}")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        paths = list(_paths(update))
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        _mutate(update, path, data.draw(st.sampled_from(["delete", "set"])), data.draw(values))
    ours = outcome(telegram.parse, update)
    theirs = outcome(reference, update)
    if theirs is not ValueError:
        assert ours == theirs  # what the library accepts reads the same
    # What it refuses we may read or refuse (a ValueError: the webhook answers 400), never anything else.
