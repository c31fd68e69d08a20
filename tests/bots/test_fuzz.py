"""Random JSON and random bytes, correctly signed, at every webhook: never a 500, never half a record."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bots.models import Conversation, InboundMessage, OutboundMessage
from helpdesk.models import Contact
from tests.bots.conftest import load, post_messenger, post_telegram, post_twilio, post_viber

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
# Text as migrants type it, plus what breaks databases: NUL, Zawgyi, Burmese digits, emoji.
texts = st.text(max_size=60) | st.sampled_from(["\x00", "ေရႊျမန္မာ", "၁", "menu", "stop", "back", "3", "😀" * 30, "a\x00b", ""])


def counts():
    return (InboundMessage.objects.count(), OutboundMessage.objects.count(), Conversation.objects.count(), Contact.objects.count())


def assert_whole(before, response):
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert counts() == before  # refused: nothing stored at all
    # Every stored reply belongs to a stored message of a stored conversation.
    assert not OutboundMessage.objects.filter(conversation__isnull=True).exists()
    assert not InboundMessage.objects.filter(kind="message", conversation__isnull=True).exclude(channel="viber").exists()


@pytest.fixture(autouse=True)
def _centre(centre):
    return centre


@FUZZ
@given(body=st.binary(max_size=300))
def test_telegram_random_bytes(client, body):
    before = counts()
    assert_whole(before, post_telegram(client, body))


@FUZZ
@given(data=json_values)
def test_telegram_random_json(client, data):
    before = counts()
    assert_whole(before, post_telegram(client, json.dumps(data).encode()))


@FUZZ
@given(
    update_id=st.integers(min_value=-(2**63), max_value=2**63), text=texts | scalars,
    chat_id=st.integers(min_value=-(2**53), max_value=2**53) | scalars, date=st.integers() | scalars,
    kind=st.sampled_from(["message", "edited_message", "callback_query"]),
)
def test_telegram_real_shape_random_values(client, update_id, text, chat_id, date, kind):
    payload = load(f"telegram_{kind}")
    payload["update_id"] = update_id
    (payload[kind] if kind != "callback_query" else payload[kind]["message"])["date"] = date
    message = payload.get(kind) if kind != "callback_query" else payload["callback_query"]
    if kind == "callback_query":
        message["data"] = text
        message["message"]["chat"]["id"] = chat_id
    else:
        message["text"] = text
        message["chat"]["id"] = chat_id
    before = counts()
    assert_whole(before, post_telegram(client, payload))


@FUZZ
@given(body=st.binary(max_size=300))
def test_viber_random_bytes(client, body):
    before = counts()
    assert_whole(before, post_viber(client, body))


@FUZZ
@given(data=json_values, event=st.sampled_from(["message", "subscribed", "unsubscribed", "conversation_started", "delivered", "seen", "failed", "webhook", "x"]))
def test_viber_random_json(client, data, event):
    if isinstance(data, dict):
        data["event"] = event
    before = counts()
    assert_whole(before, post_viber(client, data))


@FUZZ
@given(token=st.integers(min_value=0, max_value=2**64) | st.text(max_size=20), text=texts, user=st.text(max_size=30))
def test_viber_real_shape_random_values(client, token, text, user):
    payload = load("viber_message")
    payload["message_token"], payload["message"]["text"], payload["sender"]["id"] = token, text, user
    before = counts()
    assert_whole(before, post_viber(client, payload))


@FUZZ
@given(body=st.binary(max_size=300))
def test_messenger_random_bytes(client, body):
    before = counts()
    assert_whole(before, post_messenger(client, body))


@FUZZ
@given(data=json_values, entry=json_values, messaging=json_values)
def test_messenger_random_json(client, data, entry, messaging):
    if isinstance(data, dict):
        data.update(object="page", entry=[entry] if not isinstance(entry, dict) else [{**entry, "messaging": [messaging]}])
    before = counts()
    assert_whole(before, post_messenger(client, data))


@FUZZ
@given(
    mid=st.text(max_size=120) | scalars, text=texts | scalars, sender=st.text(max_size=30) | scalars, attachments=json_values,
    kind=st.sampled_from(["message", "quick_reply", "postback", "attachments"]),
)
def test_messenger_real_shape_random_values(client, mid, text, sender, attachments, kind):
    payload = load(f"messenger_{kind}")
    event = payload["entry"][0]["messaging"][0]
    event["sender"]["id"] = sender
    body = event.get("postback") or event["message"]
    body["mid"] = mid
    body["payload" if kind == "postback" else "text"] = text
    if kind == "quick_reply":
        body["quick_reply"] = {"payload": text}
    if kind == "attachments":
        body["attachments"] = attachments
    before = counts()
    assert_whole(before, post_messenger(client, payload))


forms = st.dictionaries(st.sampled_from(["MessageSid", "From", "Body", "To", "CallSid", "Digits", "x"]), st.text(max_size=30), max_size=6)


@FUZZ
@given(form=forms)
def test_twilio_sms_random_forms(client, form):
    before = counts()
    assert_whole(before, post_twilio(client, "twilio_sms", form))


@FUZZ
@given(form=forms)
def test_twilio_voice_random_forms(client, form):
    before = counts()
    assert_whole(before, post_twilio(client, "twilio_voice", form))


def test_lone_surrogates_and_nul_are_stored_safely(client):
    body = b'{"update_id": 99, "message": {"message_id": 1, "date": 1, "chat": {"id": 7, "type": "private"}, "from": {"id": 7, "is_bot": false, "first_name": "\\ud800"}, "text": "a\\u0000\\udfff"}}'
    assert post_telegram(client, body).status_code == 200
    inbound = InboundMessage.objects.get()
    assert "\x00" not in inbound.text and inbound.conversation.display_name


def test_infinity_in_json_is_refused(client):
    body = b'{"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}, "text": Infinity}}'
    assert post_telegram(client, body).status_code == 400
    assert not InboundMessage.objects.exists()


def test_nul_in_ids_is_stored_safely(client):
    payload = load("viber_message")
    payload["message_token"], payload["sender"]["id"] = "\x00", "ab\x00c"
    assert post_viber(client, payload).status_code == 200
    assert Conversation.objects.get().external_user_id == "abc"
