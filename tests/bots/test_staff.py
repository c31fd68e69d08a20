"""Staff take over from the bot mid-flow and hand back; SMS STOP seen and respected in the inbox."""
import pytest
from django.urls import reverse

from bots.models import Attention, Conversation, OutboundMessage
from bots.services import conversation_reply, conversation_resolve, inbound_receive
from bots.services.outbound import outbound_send
from complaints.models import Complaint
from tests.bots.conftest import load, post_twilio

pytestmark = pytest.mark.django_db


def telegram(sid, text, user="5187654321"):
    received = inbound_receive(channel="telegram", external_id=str(sid), user_id=user, payload={}, text=text)
    return "\n".join(received.inbound.replies.values_list("text", flat=True))


def half_told_complaint(lang="en"):
    texts = ["hi", "2" if lang == "en" else "1", "3", "1", "1", "Ma Thida", "1", "09767889802", "Golden Land"]
    for i, text in enumerate(texts):
        telegram(i, text)
    conversation = Conversation.objects.get()
    assert conversation.state["step"] == "c_country"
    return conversation


@pytest.mark.parametrize(("lang", "notice"), [("en", "A staff member is now answering you"), ("my", "ဝန်ထမ်းတစ်ဦးက သင့်ကို ဖြေကြားနေပါပြီ")])
def test_a_staff_reply_mid_flow_keeps_the_answers_flags_and_tells_the_migrant(centre, staff, lang, notice):
    conversation = half_told_complaint(lang)
    conversation_reply(conversation=conversation, text="Hello, I am Daw Khin from the centre.", staff=staff)
    conversation.refresh_from_db()
    assert conversation.state["step"] == "handover"
    assert conversation.state["paused"] == {"step": "c_country", "data": {
        "name": "Ma Thida", "gender": "woman", "phone": "+959767889802", "party": "Golden Land", "centre": "NDG",
        "consent": True}}
    assert conversation.attention == Attention.STAFF and conversation.attention_since is not None
    notice_sent, reply = conversation.outbound.order_by("id")[conversation.outbound.count() - 2:]
    assert notice in notice_sent.text and notice_sent.sent_by is None and reply.sent_by == staff


def test_the_migrants_next_messages_reach_staff_and_keep_it_on_top(centre, staff):
    conversation = half_told_complaint()
    conversation_reply(conversation=conversation, text="Which agency took your money?", staff=staff)
    assert telegram(20, "Golden Land, in Thingangyun") == ""  # the bot stays quiet: staff answer
    conversation.refresh_from_db()
    assert conversation.attention == Attention.STAFF and conversation.last_message_text == "Golden Land, in Thingangyun"
    assert list(Conversation.objects.inbox_order())[0] == conversation


def test_a_message_after_staff_marked_it_handled_in_a_handover_raises_it_again(centre, staff):
    telegram(1, "hi")
    telegram(2, "2")
    telegram(3, "4")  # talk to a person
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(attention="", attention_since=None)  # e.g. cleared in the admin
    telegram(4, "Are you there?")
    conversation.refresh_from_db()
    assert conversation.attention == Attention.HANDOVER and conversation.attention_since is not None


def test_handing_back_resumes_the_complaint_where_it_was(centre, staff):
    conversation = half_told_complaint()
    conversation_reply(conversation=conversation, text="I will pass you back to the bot to finish.", staff=staff)
    conversation_resolve(conversation=conversation, staff=staff)
    conversation.refresh_from_db()
    assert conversation.attention == "" and conversation.state["step"] == "c_country"
    assert "paused" not in conversation.state
    back = conversation.outbound.order_by("id").last()
    assert "The automatic helper is back" in back.text and "Which country" in back.text and back.sent_by is None
    for i, text in enumerate(["1", "1", "They kept my fees", "0", "1"], start=30):
        reply = telegram(i, text)
    complaint = Complaint.objects.get()
    assert complaint.reference in reply and complaint.complainant.name == "Ma Thida" and complaint.employer == "Golden Land"


def test_handing_back_a_plain_handover_returns_to_the_menu_quietly(centre, staff):
    telegram(1, "hi")
    telegram(2, "2")
    telegram(3, "4")
    conversation = Conversation.objects.get()
    before = conversation.outbound.count()
    conversation_resolve(conversation=conversation, staff=staff)
    conversation.refresh_from_db()
    assert conversation.state["step"] == "menu" and conversation.outbound.count() == before


def test_menu_during_the_handover_drops_the_paused_flow(centre, staff):
    conversation = half_told_complaint()
    conversation_reply(conversation=conversation, text="Hello", staff=staff)
    assert "Make a complaint" in telegram(40, "menu")
    conversation.refresh_from_db()
    assert conversation.state["step"] == "menu" and "paused" not in conversation.state


def test_a_second_staff_reply_does_not_repeat_the_notice(centre, staff):
    conversation = half_told_complaint()
    conversation_reply(conversation=conversation, text="Hello", staff=staff)
    conversation_reply(conversation=conversation, text="Are you still there?", staff=staff)
    assert conversation.outbound.filter(sent_by__isnull=True, text__contains="now answering").count() == 1


# SMS STOP in the inbox ----------------------------------------------------------------------

def test_inbox_shows_the_sms_stop_and_the_reply_form_refuses(staff_client, centre):
    post_twilio(staff_client, "twilio_sms", {**load("twilio_sms"), "MessageSid": "SM1", "Body": "hi"})
    post_twilio(staff_client, "twilio_sms", {**load("twilio_sms"), "MessageSid": "SM2", "Body": "STOP"})
    conversation = Conversation.objects.get()
    assert "unsubscribed by SMS STOP" in staff_client.get(reverse("bots:inbox")).content.decode()
    page = staff_client.get(reverse("bots:conversation", args=[conversation.pk])).content.decode()
    assert "Unsubscribed by SMS STOP" in page and 'action="/bots/' not in page.split("sms-stop")[1]
    sent = OutboundMessage.objects.count()
    response = staff_client.post(reverse("bots:reply", args=[conversation.pk]), {"text": "Please call us"})
    assert "Unsubscribed by SMS STOP" in response.content.decode() and OutboundMessage.objects.count() == sent
    post_twilio(staff_client, "twilio_sms", {**load("twilio_sms"), "MessageSid": "SM3", "Body": "START"})
    assert "unsubscribed by SMS STOP" not in staff_client.get(reverse("bots:inbox")).content.decode()


def test_twilio_error_21610_marks_the_number_opted_out(centre, staff, fake_api):
    """A STOP sent before this system existed: Twilio refuses with 21610, and the inbox learns it."""
    conversation = Conversation.objects.create(channel="sms", external_user_id="+959767889802", centre=centre)
    fake_api.fail_next(status=400, body={"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400})
    outbound = OutboundMessage.objects.create(conversation=conversation, text="Hello", sent_by=staff)
    assert outbound_send(outbound_id=outbound.pk).status == "failed"
    conversation.refresh_from_db()
    assert conversation.sms_opted_out


def test_the_conversation_page_says_the_flow_is_paused_and_how_to_hand_back(staff_client, centre, staff):
    conversation = half_told_complaint()
    staff_client.post(reverse("bots:reply", args=[conversation.pk]), {"text": "Hello, this is the centre."})
    page = staff_client.get(reverse("bots:conversation", args=[conversation.pk])).content.decode()
    assert "Staff are answering" in page and 'id="paused"' in page
    inbox = staff_client.get(reverse("bots:inbox")).content.decode()
    assert "Staff are answering" in inbox
