"""SMS: what a migrant pays for (segments of every bot reply in a whole complaint), and the carrier's keywords."""
import pytest

from bots.channels.twilio import messaging_twiml, sms_segments
from bots.models import Conversation, OutboundMessage
from bots.services import inbound_receive
from complaints.models import Complaint
from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db

PHONE = "+959767889802"


def sms(sid, text, phone=PHONE):
    """An SMS through the same service the Twilio webhook uses; returns the bot's answer (one message per turn)."""
    received = inbound_receive(channel="sms", external_id=f"SM{sid}", user_id=phone, payload={}, text=text, answer=messaging_twiml)
    reply = received.inbound.replies.first()
    return reply.text if reply else ""


@pytest.fixture
def centres(db):
    return [
        CentreFactory(code="NDG", name="CTUM North Dagon", name_my="မြောက်ဒဂုံ"),
        CentreFactory(code="MWD", name="Myawaddy", name_my="မြဝတီ"),
        CentreFactory(code="TCL", name="Tachileik", name_my="တာချီလိတ်"),
    ]


# The counter ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "segments"), [
    ("", 0),
    ("a" * 160, 1),
    ("a" * 161, 2),  # split: 153 a part
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("€" * 80, 1),  # extended characters take two septets
    ("€" * 81, 2),
    ("a" * 159 + "[", 2),
    ("မ" * 70, 1),  # Burmese: UCS-2, 70 in one part
    ("မ" * 71, 2),  # 67 a part
    ("မ" * 134, 2),
    ("မ" * 135, 3),
    ("a" * 69 + "…", 1),  # one character outside GSM-7 makes the whole message UCS-2
    ("a" * 70 + "…", 2),
    ("😀" * 35, 1),  # outside the BMP: two UTF-16 units each
    ("😀" * 36, 2),
])
def test_sms_segments_follow_gsm7_and_ucs2(text, segments):
    assert sms_segments(text) == segments


# Whole complaint over SMS --------------------------------------------------------------------

COMPLAINT = {
    "en": ["hi", "2", "3", "2", "Ma Thida", "Golden Land", "1", "1", "They took my fees and there was no job", "1500000"],
    "my": ["မင်္ဂလာပါ", "၁", "၃", "၂", "မသီတာ", "ရွှေပြည်", "၁", "၁", "ပွဲခယူပြီး အလုပ်မရှိဘူး", "၁၅၀၀၀၀၀"],
}
BUDGET = {"en": 8, "my": 12}


@pytest.mark.parametrize("lang", ["en", "my"])
def test_a_whole_complaint_over_sms_fits_the_segment_budget(centres, lang):
    """Every bot reply from choosing "3" (complaint) to the reference: Burmese at most 12 parts, English 8."""
    texts = COMPLAINT[lang]
    for i, text in enumerate(texts[:2]):
        sms(i, text)  # greeting and language: not part of the complaint
    replies = [sms(i, text) for i, text in enumerate(texts[2:], start=2)]
    complaint = Complaint.objects.get()
    assert complaint.centre.code == "MWD"  # asked, although the default centre is North Dagon
    assert complaint.reference in replies[-1] and "1,500,000" in replies[-1]
    assert complaint.complainant.phone == PHONE and complaint.complainant.gender == "undisclosed"
    assert OutboundMessage.objects.count() == len(texts)  # one message per turn
    counts = [sms_segments(reply) for reply in replies]
    assert sum(counts) <= BUDGET[lang], list(zip(counts, replies, strict=True))
    for reply in replies:
        assert "stop" not in reply.casefold() and "yes" not in reply.casefold()


def test_sms_menu_offers_0_menu_and_back_never_stop_or_yes(centres):
    sms(1, "hi")
    menu = sms(2, "2")
    assert "0 menu" in menu and "back" in menu
    assert "stop" not in menu.casefold() and "yes" not in menu.casefold()
    assert sms_segments(menu) == 1


def test_0_returns_to_the_menu_but_answers_the_amount_question(centres):
    for i, text in enumerate(["hi", "2", "3", "1", "Ko Aung"]):
        sms(i, text)
    assert "Type a number" in sms(10, "0") and Conversation.objects.get().state["step"] == "menu"
    for i, text in enumerate(["3", "1", "Ko Aung", "-", "1", "3", "Not paid for two months"], start=11):
        sms(i, text)
    reply = sms(20, "0")  # no money lost: the complaint is sent, not cancelled
    assert Complaint.objects.get().amount_claimed is None and Complaint.objects.get().reference in reply


# Carrier keywords ----------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["STOP", "stop", "Cancel", "END", "quit", "STOPALL", "unsubscribe", "revoke", "optout"])
def test_stop_words_record_the_opt_out_and_send_nothing(centres, word):
    sms(1, "hi")
    sms(2, "2")
    sms(3, "3")
    assert sms(4, word) == ""
    conversation = Conversation.objects.get()
    assert not conversation.subscribed and conversation.sms_opted_out
    assert sms(5, "hello") == ""  # the carrier would refuse it (error 21610): nothing is queued
    assert not OutboundMessage.objects.filter(inbound__external_id__in=["SM4", "SM5"]).exists()


@pytest.mark.parametrize("word", ["START", "yes", "Unstop"])
def test_start_words_record_the_opt_in_and_send_the_menu(centres, word):
    sms(1, "hi")
    sms(2, "2")
    sms(3, "STOP")
    reply = sms(4, word)
    assert Conversation.objects.get().subscribed and "Type a number" in reply


@pytest.mark.parametrize("word", ["HELP", "info"])
def test_help_is_left_to_the_carrier(centres, word):
    """Twilio answers HELP itself (its default text, or Advanced Opt-Out's help text): a second answer would cost a message."""
    sms(1, "hi")
    sms(2, "2")
    assert sms(3, word) == ""
    assert Conversation.objects.get().subscribed


def test_stop_inside_a_sentence_is_not_a_keyword(centres):
    sms(1, "hi")
    sms(2, "2")
    assert "Not understood" in sms(3, "please stop them")
    assert Conversation.objects.get().subscribed


def test_on_telegram_stop_stays_the_bots_cancel_word(centres):
    inbound_receive(channel="telegram", external_id="1", user_id="42", payload={}, text="hi")
    inbound_receive(channel="telegram", external_id="2", user_id="42", payload={}, text="2")
    inbound_receive(channel="telegram", external_id="3", user_id="42", payload={}, text="stop")
    conversation = Conversation.objects.get()
    assert conversation.subscribed and "has ended" in conversation.outbound.last().text


def test_yes_typed_mid_flow_is_an_opt_in_that_loses_nothing(centres):
    for i, text in enumerate(["hi", "2", "3", "1", "Ko Aung"]):
        sms(i, text)
    reply = sms(10, "YES")
    conversation = Conversation.objects.get()
    assert conversation.state["step"] == "c_party" and conversation.state["data"]["name"] == "Ko Aung"
    assert "Agency or employer" in reply


def test_a_thai_looking_number_is_asked_about_without_yes_on_sms(centres):
    for i, text in enumerate(["hi", "2", "2", "Ko Aung"]):
        sms(i, text)
    reply = sms(10, "081 234 5678")
    assert "1 Thai" in reply and "yes" not in reply.casefold()


def test_an_sms_conversation_saved_at_a_step_sms_now_skips_carries_on(centres):
    """A state saved before the short SMS flow (at the gender question) still moves on."""
    sms(1, "hi")
    sms(2, "2")
    conversation = Conversation.objects.get()
    conversation.state = {**conversation.state, "step": "c_gender", "data": {"centre": "NDG", "consent": True, "name": "Ma Su"}}
    conversation.save()
    assert "Agency or employer" in sms(3, "1")
    assert Conversation.objects.get().state["data"]["gender"] == "woman"


def test_the_sms_call_back_questions_stay_in_gsm7_in_english(centres):
    """One "…" would make an English SMS UCS-2 (70 characters a part instead of 160)."""
    replies = [sms(i, text) for i, text in enumerate(["hi", "2", "2", "Ko Aung", "123", "09767889802", "1", "3"])]
    assert all(sms_segments(r) == 1 for r in replies[2:]), replies
    assert "will call you" in replies[-1]


# Consent over SMS ----------------------------------------------------------------------------

def test_sms_consent_rides_on_the_name_question_and_2_keeps_nothing(centres):
    for i, text in enumerate(["hi", "2", "3"]):
        sms(i, text)
    question = sms(3, "1")  # the centre
    assert "Only centre staff see your name and number" in question and "2 if you do not agree" in question
    assert sms_segments(question) == 1 and "yes" not in question.casefold()
    reply = sms(4, "2")
    conversation = Conversation.objects.get()
    assert conversation.state["step"] == "menu" and conversation.state["data"] == {}
    assert "Nothing kept" in reply and sms_segments(reply) == 1 and not Complaint.objects.exists()


def test_an_sms_flow_saved_before_consent_asks_it_with_numbers_only(centres):
    sms(1, "hi")
    sms(2, "2")
    conversation = Conversation.objects.get()
    conversation.state = {**conversation.state, "step": "c_party", "data": {"centre": "NDG", "name": "Ma Su"}}
    conversation.save()
    reply = sms(3, "Golden Land")
    assert "1 Agree" in reply and "2 No" in reply and "yes" not in reply.casefold() and sms_segments(reply) == 1
    assert "Your name?" in sms(4, "1") and Conversation.objects.get().state["data"]["consent"] is True
