"""Recorded Telegram, Viber and Twilio payloads posted to the webhooks: replies, signatures, replays, events."""
import json
from xml.etree import ElementTree

import pytest

from bots.models import Attention, CallbackRequest, Conversation, InboundMessage, OutboundMessage
from helpdesk.models import Contact
from tests.bots.conftest import load, post_telegram, post_twilio, post_viber, viber_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _centre(centre):
    centre.phone = "09 450 001 234"
    centre.save()


def telegram(text: str, update_id: int, chat_id: int = 5187654321) -> dict:
    payload = load("telegram_message")
    payload["update_id"] = update_id
    payload["message"].update(text=text, message_id=update_id)
    payload["message"]["chat"]["id"] = payload["message"]["from"]["id"] = chat_id
    payload["message"].pop("entities")
    return payload


# Telegram -----------------------------------------------------------------------------

def test_telegram_start_is_answered_through_the_bot_api(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_telegram(client, load("telegram_message"))
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.external_user_id, conversation.display_name) == ("telegram", "5187654321", "Aye Chan")
    assert conversation.centre.code == "NDG"
    [request] = fake_api.requests
    assert request["path"].endswith("/sendMessage") and request["body"]["chat_id"] == "5187654321"
    assert "Choose a language" in request["body"]["text"] and "ဘာသာစကား" in request["body"]["text"]
    assert OutboundMessage.objects.get().status == "sent"


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", "tg-secret-4f9a1"])
def test_telegram_without_the_right_secret_is_refused_and_nothing_stored(client, secret):
    response = post_telegram(client, load("telegram_message"), secret=secret)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_telegram_refuses_everything_when_no_secret_is_configured(client, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert post_telegram(client, load("telegram_message"), secret="").status_code == 403


def test_telegram_retry_is_answered_once(client, fake_api, django_capture_on_commit_callbacks):
    payload = load("telegram_message")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_telegram(client, payload).status_code == 200
    assert InboundMessage.objects.count() == 1 and OutboundMessage.objects.count() == 1
    assert len(fake_api.requests) == 1 and Contact.objects.count() == 1


def test_telegram_callback_query_is_read_as_the_button_text(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the welcome is sent first: a later reply waits for it
        post_telegram(client, telegram("hi", 1))
    with django_capture_on_commit_callbacks(execute=True):
        post_telegram(client, load("telegram_callback_query"))  # data "2": English
    assert Conversation.objects.get().language == "en"
    assert "Check a recruitment agency's licence" in fake_api.texts()[-1]


def test_telegram_edited_message_is_kept_but_not_answered(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_telegram(client, load("telegram_edited_message"))
    inbound = InboundMessage.objects.get()
    assert inbound.kind == "edited_message" and inbound.text == "Shwe Myanmar agency"
    assert not OutboundMessage.objects.exists()


def test_telegram_group_message_is_ignored(client):
    assert post_telegram(client, load("telegram_group_message")).status_code == 200
    assert not Conversation.objects.exists() and InboundMessage.objects.get().conversation is None


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"update_id": "x"}', b'{"message": {}}', b'{"update_id": 5, "message": {"chat": 3}}'])
def test_telegram_malformed_payload_gets_400(client, body, caplog):
    assert post_telegram(client, body).status_code == 400
    assert not InboundMessage.objects.exists()
    assert "telegram webhook ignored a malformed payload" in caplog.text


@pytest.mark.parametrize("date", [10**20, "yesterday"])
def test_telegram_impossible_date_gets_400(client, date):
    payload = load("telegram_message")
    payload["message"]["date"] = date
    assert post_telegram(client, payload).status_code == 400


@pytest.mark.parametrize("chat_id", ["", None, "12345", 1.5, True, [1]])
def test_telegram_chat_id_that_is_not_an_integer_gets_400_and_nothing_stored(client, chat_id):
    """Found by the fuzz test: an empty chat id was stored as a message of no conversation."""
    payload = load("telegram_message")
    payload["message"]["chat"]["id"] = chat_id
    assert post_telegram(client, payload).status_code == 400
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_telegram_text_that_is_not_a_string_is_read_as_empty(client):
    payload = load("telegram_message")
    payload["message"]["text"] = 12345
    assert post_telegram(client, payload).status_code == 200
    assert InboundMessage.objects.get().kind == "message"


def test_telegram_get_is_not_allowed(client):
    assert client.get("/bots/telegram/").status_code == 405


def test_a_whole_telegram_conversation_counts_as_one_helpline_contact(client, fake_api, django_capture_on_commit_callbacks):
    for update_id, text in enumerate(["/start", "2", "1"], start=10):
        with django_capture_on_commit_callbacks(execute=True):
            post_telegram(client, telegram(text, update_id))
    contact = Contact.objects.get()
    assert (contact.service, contact.channel, contact.centre.code, contact.gender) == ("helpline", "telegram", "NDG", "undisclosed")
    assert contact.topic_codes == ["agency_check"]
    assert "Type the agency's name" in fake_api.texts()[-1]


# Viber ----------------------------------------------------------------------------------

def test_viber_message_is_answered_through_send_message(client, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_viber(client, load("viber_message"))
    assert response.status_code == 200
    [request] = fake_api.requests
    assert request["path"] == "/pa/send_message" and request["headers"]["X-Viber-Auth-Token"]
    assert request["body"]["receiver"] == "01234567890A=" and "Choose a language" in request["body"]["text"]
    outbound = OutboundMessage.objects.get()
    assert outbound.status == "sent" and outbound.external_id.startswith("50980342720179")
    assert Contact.objects.get().channel == "viber"


@pytest.mark.parametrize("signature", ["", "0" * 64, viber_signature(b"other body")])
def test_viber_bad_signature_is_refused(client, signature):
    assert post_viber(client, load("viber_message"), signature=signature).status_code == 403
    assert not InboundMessage.objects.exists()


def test_viber_signature_made_with_another_token_is_refused(client):
    body = json.dumps(load("viber_message")).encode()
    assert post_viber(client, body, signature=viber_signature(body, token="another-token")).status_code == 403


def test_viber_webhook_check_gets_200(client):
    assert post_viber(client, load("viber_webhook")).status_code == 200
    assert not InboundMessage.objects.exists()


def test_viber_conversation_started_answers_with_a_welcome_in_the_body(client):
    response = post_viber(client, load("viber_conversation_started"))
    body = response.json()
    assert response.status_code == 200 and body["type"] == "text" and body["sender"]["name"]
    assert "Choose a language" in body["text"] and "ကြိုဆို" in body["text"]
    replay = post_viber(client, load("viber_conversation_started"))
    assert replay.json() == body and InboundMessage.objects.count() == 1
    assert not Contact.objects.exists()  # opening the chat is not yet a contact
    assert not Conversation.objects.get().subscribed  # Viber refuses our messages until the user writes


def test_viber_user_who_writes_after_opening_the_chat_can_be_answered(client):
    post_viber(client, load("viber_conversation_started"))
    post_viber(client, load("viber_message"))
    assert Conversation.objects.get().subscribed


def test_viber_subscribe_unsubscribe(client):
    post_viber(client, load("viber_subscribed"))
    conversation = Conversation.objects.get()
    assert conversation.subscribed and conversation.display_name == "Ma Hnin"
    post_viber(client, load("viber_unsubscribed"))
    conversation.refresh_from_db()
    assert not conversation.subscribed
    resubscribed = load("viber_subscribed")
    resubscribed["message_token"] += 10
    post_viber(client, resubscribed)
    conversation.refresh_from_db()
    assert conversation.subscribed


def test_viber_delivery_receipts_update_the_reply_status(client, fake_api, django_capture_on_commit_callbacks):
    fake_api.next_id = 0  # the fake's first message_token is 5098034272017990001
    with django_capture_on_commit_callbacks(execute=True):
        post_viber(client, load("viber_message"))
    outbound = OutboundMessage.objects.get()
    for event, expected in (("delivered", "delivered"), ("seen", "seen"), ("delivered", "seen")):
        payload = load(f"viber_{event}")
        payload["message_token"] = int(outbound.external_id)
        assert post_viber(client, payload).status_code == 200
        outbound.refresh_from_db()
        assert outbound.status == expected  # a late "delivered" does not undo "seen"
    payload = load("viber_failed")
    payload["message_token"] = int(outbound.external_id)
    post_viber(client, payload)
    outbound.refresh_from_db()
    assert outbound.status == "failed" and outbound.last_error == "failure description"


def test_viber_replay_of_a_message_creates_nothing(client, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert post_viber(client, load("viber_message")).status_code == 200
    assert InboundMessage.objects.count() == 1 and OutboundMessage.objects.count() == 1


@pytest.mark.parametrize("payload", [{"event": "message"}, {"event": "message", "message_token": 1, "sender": "x"}, {"event": "dance", "message_token": 2}, [1, 2]])
def test_viber_malformed_callbacks_get_400(client, payload):
    assert post_viber(client, payload).status_code == 400
    assert not InboundMessage.objects.exists()


# Twilio SMS and voice -----------------------------------------------------------------------

def twiml_messages(response) -> list[str]:
    return [m.text for m in ElementTree.fromstring(response.content).iter("Message")]


def test_sms_is_answered_with_twiml(client):
    response = post_twilio(client, "twilio_sms", load("twilio_sms"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    [reply] = twiml_messages(response)
    assert "Choose a language" in reply
    assert Contact.objects.get().channel == "sms"
    assert OutboundMessage.objects.get().status == "sent"


def test_sms_replay_returns_the_same_twiml(client):
    first = post_twilio(client, "twilio_sms", load("twilio_sms"))
    second = post_twilio(client, "twilio_sms", load("twilio_sms"))
    assert first.content == second.content and InboundMessage.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_sms_with_bad_signature_is_refused(client):
    assert post_twilio(client, "twilio_sms", load("twilio_sms"), token="not-the-token").status_code == 403
    form = load("twilio_sms")
    assert client.post("/bots/twilio/sms/", form).status_code == 403  # no signature at all
    assert not InboundMessage.objects.exists()


def test_sms_signature_behind_a_proxy_uses_the_public_url(client, settings):
    settings.BOT_PUBLIC_URL = "https://helpdesk.example.org"
    from twilio.request_validator import RequestValidator

    form = load("twilio_sms")
    signature = RequestValidator("twilio-auth-token-for-tests-0123456789").compute_signature("https://helpdesk.example.org/bots/twilio/sms/", form)
    assert client.post("/bots/twilio/sms/", form, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 200
    assert post_twilio(client, "twilio_sms", {**form, "MessageSid": "SM2"}).status_code == 403  # signed for http://testserver


def test_sms_without_message_sid_gets_400(client):
    form = load("twilio_sms")
    del form["MessageSid"]
    assert post_twilio(client, "twilio_sms", form).status_code == 400


def test_sms_conversation_in_burmese_digits(client):
    for sid, body in (("SM1", "hi"), ("SM2", "၁"), ("SM3", "၂")):
        response = post_twilio(client, "twilio_sms", {**load("twilio_sms"), "MessageSid": sid, "Body": body})
    assert "သင့်အမည်" in twiml_messages(response)[0]


def test_voice_with_bad_signature_is_refused(client):
    assert post_twilio(client, "twilio_voice", load("twilio_voice"), token="not-the-token").status_code == 403
    assert not InboundMessage.objects.exists() and not CallbackRequest.objects.exists()


def test_voice_call_gets_a_gather_menu(client):
    response = post_twilio(client, "twilio_voice", load("twilio_voice"))
    root = ElementTree.fromstring(response.content)
    gather = root.find("Gather")
    assert gather is not None and gather.get("numDigits") == "1" and gather.get("action") == "/bots/twilio/voice/"
    assert "press 1" in gather.find("Say").text
    contact = Contact.objects.get()
    assert (contact.channel, contact.service) == ("phone", "helpline")


def test_voice_keypress_records_a_callback_request(client):
    post_twilio(client, "twilio_voice", load("twilio_voice"))
    response = post_twilio(client, "twilio_voice", load("twilio_voice_gather"))
    root = ElementTree.fromstring(response.content)
    assert "call you back" in root.find("Say").text and root.find("Hangup") is not None
    callback = CallbackRequest.objects.get()
    assert (callback.phone, callback.centre.code) == ("+959767889802", "NDG")
    conversation = Conversation.objects.get()
    assert conversation.attention == Attention.CALLBACK and conversation.language == "my"
    assert Contact.objects.count() == 1  # the call is one contact, not one per keypress
    post_twilio(client, "twilio_voice", load("twilio_voice_gather"))  # Twilio retries the same step
    assert CallbackRequest.objects.count() == 1


def test_voice_from_a_hidden_number_explains_it_cannot_call_back(client):
    form = {**load("twilio_voice_gather"), "From": "anonymous", "Caller": "anonymous"}
    response = post_twilio(client, "twilio_voice", form)
    assert "hidden" in ElementTree.fromstring(response.content).find("Say").text
    assert not CallbackRequest.objects.exists()


# Whole flows through each channel, in both languages ------------------------------------------

# The default centre is not the migrant's choice: the complaint asks which centre ("1"), then the consent ("1").
COMPLAINT = {
    "en": ["hi", "2", "3", "1", "1", "Ma Thida", "1", "09 767 889 802", "Golden Land", "1", "1", "They kept my fees", "1500000", "1"],
    "my": ["မင်္ဂလာပါ", "၁", "၃", "၁", "၁", "မသီတာ", "၁", "၀၉ ၇၆၇ ၈၈၉ ၈၀၂", "ရွှေပြည်", "၁", "၁", "ပွဲခ ပြန်မပေးဘူး", "၁၅၀၀၀၀၀", "၁"],
}
# SMS: no gender, the phone is the sender's, the consent rides on the name question, and the amount sends the complaint.
COMPLAINT_SMS = {
    "en": ["hi", "2", "3", "1", "Ma Thida", "Golden Land", "1", "1", "They kept my fees", "1500000"],
    "my": ["မင်္ဂလာပါ", "၁", "၃", "၁", "မသီတာ", "ရွှေပြည်", "၁", "၁", "ပွဲခ ပြန်မပေးဘူး", "၁၅၀၀၀၀၀"],
}
CALLBACK = {
    "en": ["hi", "2", "2", "1", "Ko Aung", "09767889802", "1", "3"],
    "my": ["hi", "1", "၂", "၁", "ကိုအောင်", "၀၉၇၆၇၈၈၉၈၀၂", "၁", "၃"],
}
CALLBACK_SMS = {lang: [t for i, t in enumerate(texts) if i != 3] for lang, texts in CALLBACK.items()}


def run(channel, client, fake_api, capture, texts) -> str:
    """Send the texts as one person on the channel; return the last reply the person got."""
    for i, text in enumerate(texts):
        with capture(execute=True):
            if channel == "telegram":
                post_telegram(client, telegram(text, 7000 + i))
            elif channel == "viber":
                payload = load("viber_message")
                payload["message_token"], payload["message"]["text"] = 7000 + i, text
                post_viber(client, payload)
            else:
                response = post_twilio(client, "twilio_sms", {**load("twilio_sms"), "MessageSid": f"SM{i}", "Body": text})
    return twiml_messages(response)[-1] if channel == "sms" else fake_api.texts()[-1]


@pytest.mark.parametrize("lang", ["en", "my"])
@pytest.mark.parametrize("channel", ["telegram", "viber", "sms"])
def test_complaint_flow_through_each_channel(client, fake_api, django_capture_on_commit_callbacks, channel, lang):
    from complaints.models import Complaint

    reply = run(channel, client, fake_api, django_capture_on_commit_callbacks, (COMPLAINT_SMS if channel == "sms" else COMPLAINT)[lang])
    complaint = Complaint.objects.get()
    assert complaint.reference in reply
    if channel != "sms":
        assert ("Its reference is" if lang == "en" else "ရည်ညွှန်းအမှတ်") in reply
    assert complaint.channel == channel and complaint.complainant.phone == "+959767889802"
    assert complaint.amount_claimed == 1500000


@pytest.mark.parametrize("lang", ["en", "my"])
@pytest.mark.parametrize("channel", ["telegram", "viber", "sms"])
def test_callback_flow_through_each_channel(client, fake_api, django_capture_on_commit_callbacks, channel, lang):
    reply = run(channel, client, fake_api, django_capture_on_commit_callbacks, (CALLBACK_SMS if channel == "sms" else CALLBACK)[lang])
    assert "09 767 889802 (+95)" in reply and ("will call you" if lang == "en" else "ဖုန်းပြန်ခေါ်ပါမယ်") in reply
    assert CallbackRequest.objects.get().conversation.channel == channel


def test_telegram_deep_link_from_a_centre_poster_gives_the_conversation_to_that_centre(client, other_centre):
    payload = load("telegram_message")
    payload["message"]["text"] = "/start TCL"
    post_telegram(client, payload)
    conversation = Conversation.objects.get()
    assert conversation.centre == other_centre and Contact.objects.get().centre == other_centre


def test_viber_deep_link_context_names_the_centre(client, other_centre):
    payload = load("viber_conversation_started")
    payload["context"] = "tcl"
    post_viber(client, payload)
    assert Conversation.objects.get().centre == other_centre


def test_unknown_deep_link_keeps_the_default_centre(client):
    payload = load("telegram_message")
    payload["message"]["text"] = "/start nowhere"
    post_telegram(client, payload)
    assert Conversation.objects.get().centre.code == "NDG"


def test_edited_message_in_zawgyi_is_kept_as_unicode(client):
    payload = load("telegram_edited_message")
    payload["edited_message"]["text"] = "ေရႊျမန္မာ"
    post_telegram(client, payload)
    assert InboundMessage.objects.get().text == "ရွှေမြန်မာ"


# The licence verdict on Telegram, in both languages -----------------------------------

VERDICT_QUERIES = {
    "en": (["/start", "2", "1"], {"Golden Star": "Licensed until", "Lucky Ocean": "Licence REVOKED", "Golden Sea": "NOT on the Ministry's list"}),
    "my": (["/start", "1", "၁"], {"ေရႊၾကယ္": "ထိ လိုင်စင်ရှိ", "ကံကောင်းသမုဒ္ဒရာ": "ရုပ်သိမ်းခံရပြီ", "ငွေကြယ်": "စာရင်းတွင် မပါပါ"}),
}


@pytest.mark.parametrize("lang", ["en", "my"])
def test_telegram_licence_check_answers_with_the_verdict_first(client, fake_api, django_capture_on_commit_callbacks, lang):
    from tests.factories import AgencyFactory

    AgencyFactory(licence_number="14/2016", name_en="Golden Star Manpower Services Co., Ltd.", name_my="ရွှေကြယ် လူ့စွမ်းအား ကုမ္ပဏီလီမိတက်")
    AgencyFactory(licence_number="166/2022", name_en="Lucky Ocean Co., Ltd.", name_my="ကံကောင်းသမုဒ္ဒရာ ကုမ္ပဏီလီမိတက်", status="revoked")
    steps, queries = VERDICT_QUERIES[lang]
    update_id = 9000
    for text in steps:
        update_id += 1
        with django_capture_on_commit_callbacks(execute=True):
            post_telegram(client, telegram(text, update_id))
    for query, words in queries.items():
        update_id += 1
        with django_capture_on_commit_callbacks(execute=True):
            post_telegram(client, telegram(query, update_id))
        verdict = fake_api.texts()[-1]  # one message: the verdict, the centre, "type another name"
        assert words in verdict.splitlines()[0], verdict
        assert "09 450 001 234" in verdict
        if query in ("Golden Sea", "ငွေကြယ်"):
            assert "14/2016" in verdict and verdict.index("14/2016") > verdict.index("\n")  # only after the warning


def test_sms_licence_check_in_burmese_puts_the_verdict_in_the_first_part(client):
    from tests.factories import AgencyFactory

    AgencyFactory(licence_number="166/2022", name_en="Lucky Ocean Co., Ltd.", name_my="ကံကောင်းသမုဒ္ဒရာ ကုမ္ပဏီလီမိတက်", status="revoked")
    for i, text in enumerate(["hi", "1", "၁", "ကံကောင်းသမုဒ္ဒရာ"]):
        response = post_twilio(client, "twilio_sms", {**load("twilio_sms"), "MessageSid": f"SMV{i}", "Body": text})
    reply = twiml_messages(response)[-1]
    # Burmese SMS parts hold 67 characters: the verdict must be read in the first.
    assert "ရုပ်သိမ်းခံရပြီ" in reply[:67] and "166/2022" in reply.splitlines()[0]
    assert "ထိ" not in reply.splitlines()[0]
