"""Messenger: recorded Page webhook calls (verification, signature, messages, postbacks, attachments, replays) and the
Send API against a fake Graph API, with Meta's 24-hour window and the Human Agent tag."""
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bots.channels import AttachmentRef, messenger
from bots.models import Conversation, InboundMessage, OutboundMessage
from bots.selectors import conversation_transcript
from bots.services import conversation_reply, outbound_queue
from helpdesk.models import Contact
from tests.bots.conftest import (
    MESSENGER_SECRET,
    MESSENGER_TOKEN,
    MESSENGER_VERIFY,
    load,
    messenger_signature,
    post_messenger,
)

pytestmark = pytest.mark.django_db

PSID = "7312345678901234"


@pytest.fixture(autouse=True)
def _centre(centre):
    return centre


def message(text: str, mid: str, psid: str = PSID) -> dict:
    payload = load("messenger_message")
    event = payload["entry"][0]["messaging"][0]
    event["sender"]["id"] = psid
    event["message"] = {"mid": mid, "text": text}
    return payload


def graph_sends(fake_api) -> list[dict]:
    return [r for r in fake_api.requests if "/me/messages" in r["path"]]


def heard_ago(conversation, delta):
    """As if the migrant's last message came ``delta`` ago."""
    InboundMessage.objects.filter(conversation=conversation).update(received_at=timezone.now() - delta)


# Verification (GET) -----------------------------------------------------------------------------

def verify_get(client, **params):
    return client.get(reverse("bots:messenger"), params)


def test_meta_url_check_gets_the_challenge_back(client):
    response = verify_get(client, **{"hub.mode": "subscribe", "hub.verify_token": MESSENGER_VERIFY, "hub.challenge": "1158201444"})
    assert response.status_code == 200 and response.content == b"1158201444"


@pytest.mark.parametrize("params", [
    {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1158201444"},
    {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
    {"hub.mode": "unsubscribe", "hub.verify_token": MESSENGER_VERIFY, "hub.challenge": "1158201444"},
    {"hub.mode": "subscribe", "hub.verify_token": MESSENGER_VERIFY, "hub.challenge": "<script>alert(1)</script>"},
    {},
])
def test_url_check_with_a_wrong_token_or_odd_challenge_is_refused(client, params):
    assert verify_get(client, **params).status_code == 403


def test_url_check_is_refused_when_no_verify_token_is_configured(client, settings):
    settings.MESSENGER_VERIFY_TOKEN = ""
    assert verify_get(client, **{"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}).status_code == 403


# Signature ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("signature", [
    "",  # no header at all
    "sha256=0000",
    "sha1=" + "a" * 40,
    "wrong",
])
def test_unsigned_or_badly_signed_calls_are_refused_and_nothing_stored(client, signature):
    assert post_messenger(client, load("messenger_message"), signature=signature).status_code == 403
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_a_call_signed_with_another_apps_secret_is_refused(client):
    body = json.dumps(load("messenger_message")).encode()
    assert post_messenger(client, body, signature=messenger_signature(body, "another-app-secret")).status_code == 403


def test_the_signature_covers_the_raw_body_not_the_parsed_json(client, fake_api):
    body = json.dumps(load("messenger_message")).encode()
    signature = messenger_signature(body)
    respaced = json.dumps(load("messenger_message"), indent=2).encode()  # same JSON, other bytes
    assert post_messenger(client, respaced, signature=signature).status_code == 403
    assert post_messenger(client, body, signature=signature).status_code == 200


def test_everything_is_refused_when_no_app_secret_is_configured(client, settings):
    settings.MESSENGER_APP_SECRET = ""
    body = json.dumps(load("messenger_message")).encode()
    assert post_messenger(client, body, signature=messenger_signature(body, "")).status_code == 403


# Messages, quick replies, postbacks --------------------------------------------------------------

def test_first_message_is_answered_through_the_send_api(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_messenger(client, load("messenger_message"))
    assert response.status_code == 200 and response.content == b"EVENT_RECEIVED"
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.external_user_id, conversation.centre.code) == ("messenger", PSID, "NDG")
    inbound = InboundMessage.objects.get()
    assert inbound.external_id.startswith("m_AG5Hz2Uq7") and inbound.text == "hi" and inbound.kind == "message"
    [request] = fake_api.requests
    assert request["path"] == f"/v25.0/me/messages?access_token={MESSENGER_TOKEN}"
    body = request["body"]
    assert body["recipient"] == {"id": PSID} and body["messaging_type"] == "RESPONSE" and "tag" not in body
    assert "Choose a language" in body["message"]["text"]
    assert [q["payload"] for q in body["message"]["quick_replies"]] == ["1", "2"]  # tap to answer
    outbound = OutboundMessage.objects.get()
    assert outbound.status == "sent" and outbound.external_id.startswith("m_sent-by-us-")
    assert Contact.objects.get().channel == "messenger"


def test_a_tapped_quick_reply_answers_with_its_payload(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # sent: a later reply waits for an earlier pending one
        post_messenger(client, load("messenger_message"))
    with django_capture_on_commit_callbacks(execute=True):
        post_messenger(client, load("messenger_quick_reply"))  # payload "2": English
    assert Conversation.objects.get().language == "en"
    assert "Check a recruitment agency's licence" in fake_api.texts()[-1]


def test_a_postback_button_is_read_as_its_payload_and_shown_to_staff(client, fake_api, django_capture_on_commit_callbacks):
    post_messenger(client, load("messenger_message"))
    with django_capture_on_commit_callbacks(execute=True):
        assert post_messenger(client, load("messenger_postback")).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.language == "en"
    postback = InboundMessage.objects.get(kind="postback")
    assert postback.external_id.startswith("m_pB3kQ1fR8") and postback.text == "2"
    assert [line.text for line in conversation_transcript(conversation) if line.incoming] == ["hi", "2"]


def test_a_postback_without_mid_gets_a_stable_id_so_its_retry_is_not_run_twice(client, fake_api, django_capture_on_commit_callbacks):
    payload = load("messenger_postback")
    del payload["entry"][0]["messaging"][0]["postback"]["mid"]  # older API versions
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_messenger(client, payload).status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.external_id.startswith("postback:") and len(graph_sends(fake_api)) == 1


def test_get_started_after_a_centres_m_me_link_gives_the_conversation_to_that_centre(client, other_centre, fake_api, django_capture_on_commit_callbacks):
    payload = load("messenger_postback")
    postback = payload["entry"][0]["messaging"][0]["postback"]
    postback.update(title="Get Started", payload="/start", referral={"ref": "TCL", "source": "SHORTLINK", "type": "OPEN_THREAD"})
    with django_capture_on_commit_callbacks(execute=True):
        assert post_messenger(client, payload).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.centre == other_centre and InboundMessage.objects.get().text == "/start TCL"
    assert len(graph_sends(fake_api)) == 1


def test_m_me_link_into_an_existing_thread_is_read_as_start_and_replays_once(client, other_centre, fake_api, django_capture_on_commit_callbacks):
    referral = {"object": "page", "entry": [{"id": "104512345678901", "time": 1764484600000, "messaging": [{
        "sender": {"id": PSID}, "recipient": {"id": "104512345678901"}, "timestamp": 1764484599000,
        "referral": {"ref": "TCL", "source": "SHORTLINK", "type": "OPEN_THREAD"},
    }]}]}
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_messenger(client, referral).status_code == 200
    inbound = InboundMessage.objects.get()
    assert (inbound.kind, inbound.text) == ("referral", "/start TCL") and inbound.external_id.startswith("referral:")
    assert Conversation.objects.get().centre == other_centre
    assert fake_api.requests[0]["body"]["messaging_type"] == "RESPONSE"  # Meta: the link reopens the 24-hour window
    assert len(graph_sends(fake_api)) == 1


def test_retried_call_is_answered_once(client, fake_api, django_capture_on_commit_callbacks):
    payload = load("messenger_message")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_messenger(client, payload).status_code == 200
    assert InboundMessage.objects.count() == 1 and OutboundMessage.objects.count() == 1
    assert len(fake_api.requests) == 1 and Contact.objects.count() == 1


def test_one_call_with_several_entries_stores_each_message_once_and_skips_our_echo(client, fake_api, django_capture_on_commit_callbacks):
    post_messenger(client, message("hi", "m_earlier"))
    OutboundMessage.objects.update(external_id="m_sent-by-us-0001", status="sent", sent_at=messenger.watermark_time(1764484499000))
    for _ in range(2):  # Meta resends the whole batch when it gets no 200
        with django_capture_on_commit_callbacks(execute=True):
            assert post_messenger(client, load("messenger_batch")).status_code == 200
    assert sorted(InboundMessage.objects.values_list("text", flat=True)) == ["hello", "hi", "menu"]
    assert Conversation.objects.count() == 2
    assert not InboundMessage.objects.filter(text="Choose a language").exists()  # the echo is our own send
    assert OutboundMessage.objects.get(external_id="m_sent-by-us-0001").status == "seen"  # delivered, then read
    assert OutboundMessage.objects.count() == 3 and len(graph_sends(fake_api)) == 2


def test_a_read_receipt_marks_only_replies_sent_before_its_watermark(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_messenger(client, load("messenger_message"))
    outbound = OutboundMessage.objects.get()
    read = {"object": "page", "entry": [{"id": "1", "time": 1, "messaging": [
        {"sender": {"id": PSID}, "recipient": {"id": "1"}, "timestamp": 1, "read": {"watermark": 1_000_000_000_000}},
    ]}]}
    assert post_messenger(client, read).status_code == 200  # 2001: before our reply
    outbound.refresh_from_db()
    assert outbound.status == "sent"
    read["entry"][0]["messaging"][0]["read"]["watermark"] = int((timezone.now() + timedelta(minutes=1)).timestamp() * 1000)
    post_messenger(client, read)
    outbound.refresh_from_db()
    assert outbound.status == "seen"


# Attachments -------------------------------------------------------------------------------------

def test_attachments_are_described_as_attachment_refs():
    event = messenger.parse(load("messenger_attachments"))[0]
    assert event.kind == "message" and event.text == ""
    assert event.attachments == (
        AttachmentRef("photo", file_ref="https://scontent.xx.fbcdn.net/v/t1.15752-9/contract_photo.jpg?_nc_cat=1&oh=abc&oe=6790AB12"),
        AttachmentRef("voice", file_ref="https://cdn.fbsbx.com/v/t59.3654-21/audioclip-1764484399-1234.mp4?_nc_cat=1&oh=def&oe=6790AB13"),
        AttachmentRef("video", file_ref="https://video.xx.fbcdn.net/v/t42.3356-2/clip.mp4?_nc_cat=1&oh=ghi&oe=6790AB14"),
        AttachmentRef("document", file_ref="https://cdn.fbsbx.com/v/t59.2708-21/payslip.pdf?_nc_cat=1&oh=jkl&oe=6790AB15"),
        AttachmentRef("sticker", file_ref="https://scontent.xx.fbcdn.net/v/t39.1997-6/851557_369239266556155_759568595_n.png?_nc_cat=1"),
        AttachmentRef("location", latitude=16.7741, longitude=96.1589),
    )  # the shared link ("fallback") is no file: it stays in the payload only


@pytest.mark.parametrize("attachment", [
    {"type": "image"}, {"type": "image", "payload": None}, {"type": "image", "payload": {"url": 5}},
    {"type": "location", "payload": {"coordinates": {"lat": "16.7", "long": 96.1}}}, {"type": "location", "payload": {"coordinates": {"lat": True, "long": 1}}},
    {"type": "reel", "payload": {"url": "https://x"}}, "image", None,
])
def test_odd_attachments_are_left_out(attachment):
    assert messenger.attachments([attachment]) == ()


def test_a_message_with_attachments_is_stored_with_them_in_its_payload(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert post_messenger(client, load("messenger_attachments")).status_code == 200
    inbound = InboundMessage.objects.get()
    assert [a["type"] for a in inbound.payload["message"]["attachments"]] == ["image", "audio", "video", "file", "image", "location", "fallback"]
    assert inbound.payload["sender"]["id"] == PSID
    assert OutboundMessage.objects.get().status == "sent"  # the conversation answers, as on the other channels


# Malformed calls ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"not json", b"[]", b"{}", b'{"object": "instagram", "entry": []}', b'{"object": "page"}', b'{"object": "page", "entry": {}}',
    b'{"object": "page", "entry": [5]}', b'{"object": "page", "entry": [{"messaging": {}}]}', b'{"object": "page", "entry": NaN}',
])
def test_malformed_call_gets_400_and_nothing_stored(client, body, caplog):
    assert post_messenger(client, body).status_code == 400
    assert not InboundMessage.objects.exists()
    assert "messenger webhook ignored a malformed payload" in caplog.text


@pytest.mark.parametrize("event", [
    5, None, {}, {"sender": {"id": PSID}}, {"sender": {"id": ""}, "message": {"mid": "m_1", "text": "hi"}},
    {"sender": {"id": [1]}, "message": {"mid": "m_1", "text": "hi"}}, {"sender": {"id": PSID}, "message": {"text": "no mid"}},
    {"sender": None, "postback": {"payload": "1"}}, {"sender": {"id": PSID}, "message": {"mid": 12, "text": ["x"]}},
    {"sender": {"id": PSID}, "delivery": {"mids": [None, 5], "watermark": "x"}}, {"sender": {"id": PSID}, "read": {"watermark": 10**30}},
    {"sender": {"id": PSID}, "message": {"mid": "m_" + "x" * 200, "text": "hi"}},
])
def test_odd_events_inside_a_good_call_never_fail_it(client, event):
    payload = {"object": "page", "entry": [{"id": "1", "time": 1, "messaging": [event]}]}
    assert post_messenger(client, payload).status_code == 200
    assert not InboundMessage.objects.filter(conversation__isnull=True).exists()


def test_a_numeric_sender_id_is_read_as_text(client):
    payload = message("hi", "m_num")
    payload["entry"][0]["messaging"][0]["sender"]["id"] = int(PSID)
    assert post_messenger(client, payload).status_code == 200
    assert Conversation.objects.get().external_user_id == PSID


def test_other_methods_are_not_allowed(client):
    assert client.put(reverse("bots:messenger")).status_code == 405


# Sending: the 24-hour window and the Human Agent tag -------------------------------------------

@pytest.fixture
def chat(client, fake_api, django_capture_on_commit_callbacks):
    """A migrant who wrote once and got the bot's answer."""
    with django_capture_on_commit_callbacks(execute=True):
        post_messenger(client, load("messenger_message"))
    fake_api.requests.clear()
    return Conversation.objects.get()


def test_staff_reply_within_24_hours_is_a_response(chat, admin_user, fake_api, django_capture_on_commit_callbacks):
    heard_ago(chat, timedelta(hours=23))
    with django_capture_on_commit_callbacks(execute=True):
        outbound = conversation_reply(conversation=chat, text="We are reading your message.", staff=admin_user)
    outbound.refresh_from_db()
    assert outbound.status == "sent"
    notice, request = fake_api.requests  # the bot first says a person is answering now
    assert "now answering" in notice["body"]["message"]["text"]
    assert request["body"]["messaging_type"] == "RESPONSE" and "quick_replies" not in request["body"]["message"]


def test_staff_reply_after_24_hours_uses_the_human_agent_tag_when_meta_allowed_it(chat, admin_user, fake_api, settings, django_capture_on_commit_callbacks):
    settings.MESSENGER_HUMAN_AGENT = True
    heard_ago(chat, timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        conversation_reply(conversation=chat, text="Your case moved forward.", staff=admin_user)
    [request] = fake_api.requests
    assert (request["body"]["messaging_type"], request["body"]["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")


def test_staff_reply_after_24_hours_without_the_human_agent_feature_tells_staff_to_call(chat, staff_client, fake_api):
    heard_ago(chat, timedelta(days=2))
    response = staff_client.post(reverse("bots:reply", args=[chat.pk]), {"text": "Are you safe?"})
    assert response.status_code == 200
    assert "Messenger allows no message now: call the migrant" in response.content.decode()
    assert not OutboundMessage.objects.filter(sent_by__isnull=False).exists() and fake_api.requests == []


def test_staff_reply_after_7_days_is_refused_even_with_the_human_agent_feature(chat, admin_user, settings):
    settings.MESSENGER_HUMAN_AGENT = True
    heard_ago(chat, timedelta(days=7, minutes=1))
    with pytest.raises(Exception, match="call the migrant"):
        conversation_reply(conversation=chat, text="Hello?", staff=admin_user)


def test_a_queued_reply_whose_window_closed_fails_for_good_without_calling_meta(chat, fake_api, django_capture_on_commit_callbacks):
    heard_ago(chat, timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=chat, text="Your complaint is registered")  # a bot message, e.g. a late retry
    outbound.refresh_from_db()
    assert outbound.status == "failed" and outbound.attempts == 1
    assert outbound.last_error == messenger.WINDOW_CLOSED and fake_api.requests == []


def test_the_bot_never_uses_the_human_agent_tag(chat, settings):
    settings.MESSENGER_HUMAN_AGENT = True
    heard_ago(chat, timedelta(days=2))
    assert not messenger.may_send(chat, from_bot=True) and messenger.may_send(chat, from_bot=False)


def test_failure_reason_is_shown_in_the_transcript(chat, staff_client, django_capture_on_commit_callbacks):
    heard_ago(chat, timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        outbound_queue(conversation=chat, text="late")
    page = staff_client.get(reverse("bots:conversation", args=[chat.pk])).content.decode()
    assert "Messenger allows no message now: call the migrant" in page


# Sending: Graph API errors -----------------------------------------------------------------------

def graph_error(code, subcode=None, status=400, message="error"):
    return {"status": status, "body": {"error": {"message": message, "type": "OAuthException", "code": code, "error_subcode": subcode, "fbtrace_id": "A1b2C3"}}}


@pytest.mark.parametrize(("error", "status", "words"), [
    (graph_error(613, message="Calls to this api have exceeded the rate limit."), "pending", "rate limit"),
    (graph_error(4, message="Application request limit reached"), "pending", "request limit"),
    (graph_error(551, message="This person isn't available right now."), "failed", "available"),
    (graph_error(10, 2018278, message="This message is sent outside of allowed window."), "failed", "call the migrant"),
    (graph_error(100, 2018001, message="No matching user found"), "failed", "No matching user"),
    (graph_error(190, message="Error validating access token"), "failed", "access token"),
    (graph_error(2, status=500, message="Service temporarily unavailable"), "pending", "temporarily"),
])
def test_graph_api_errors_are_retried_or_given_up_as_meta_documents(chat, fake_api, django_capture_on_commit_callbacks, error, status, words):
    fake_api.fail_next(1, status=error["status"], body=error["body"])
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=chat, text="hello")
    outbound.refresh_from_db()
    assert outbound.status == status and words in outbound.last_error
    assert MESSENGER_TOKEN not in outbound.last_error


def test_rate_limit_waits_a_minute_before_the_next_attempt(chat, fake_api, django_capture_on_commit_callbacks):
    error = graph_error(613)
    fake_api.fail_next(1, status=400, body=error["body"])
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=chat, text="hello")
    outbound.refresh_from_db()
    assert timedelta(seconds=50) < outbound.next_attempt_at - timezone.now() <= timedelta(seconds=60)


def test_unreachable_graph_api_keeps_the_reply_pending_and_the_token_masked(chat, settings, django_capture_on_commit_callbacks, caplog):
    settings.MESSENGER_API_BASE = "http://127.0.0.1:9/v25.0"
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=chat, text="hello")
    outbound.refresh_from_db()
    assert outbound.status == "pending" and "unreachable" in outbound.last_error
    assert MESSENGER_TOKEN not in outbound.last_error and MESSENGER_TOKEN not in caplog.text


def test_a_long_reply_is_split_into_messages_messenger_accepts(chat, fake_api, django_capture_on_commit_callbacks):
    text = "\n".join(f"{n}. " + "ရွှေမြန်မာ " * 20 for n in range(1, 30))
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=chat, text=text)
    parts = [r["body"]["message"]["text"] for r in fake_api.requests]
    assert len(parts) > 1 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts).split() == text.split()
    outbound.refresh_from_db()
    assert outbound.status == "sent"


@pytest.mark.parametrize("text", ["ရွှေမြန်မာ " * 500, "x" * 4500, "short"])
def test_chunks_fit_messenger_and_keep_every_word(text):
    parts = messenger.chunks(text)
    assert all(0 < len(p) <= 2000 for p in parts)
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")


def test_messenger_secrets_are_masked_in_messages():
    from bots.channels import mask_secrets

    assert MESSENGER_TOKEN not in mask_secrets(f"GET /me/messages?access_token={MESSENGER_TOKEN}")
    assert MESSENGER_SECRET not in mask_secrets(MESSENGER_SECRET)


def test_after_24_hours_the_take_over_notice_is_not_queued_only_the_staff_reply(chat, admin_user, fake_api, settings, django_capture_on_commit_callbacks):
    settings.MESSENGER_HUMAN_AGENT = True
    heard_ago(chat, timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        conversation_reply(conversation=chat, text="Your case moved forward.", staff=admin_user)
    assert not chat.outbound.filter(status="failed").exists()  # no bot notice that Meta would refuse
    [request] = fake_api.requests
    assert request["body"]["tag"] == "HUMAN_AGENT" and request["body"]["message"]["text"] == "Your case moved forward."
