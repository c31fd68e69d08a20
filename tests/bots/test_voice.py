"""The voice line: repeat calls and hidden numbers (recorded Twilio call payloads)."""
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from bots.models import CallbackRequest, Conversation
from bots.services.voice import voice_caller_id
from tests.bots.conftest import load, post_twilio

pytestmark = pytest.mark.django_db


def call(client, call_sid, caller="+959767889802", digits="1"):
    """One call: the menu, then the keypress (Twilio posts both with the same CallSid)."""
    base = {**load("twilio_voice"), "CallSid": call_sid, "From": caller, "Caller": caller}
    post_twilio(client, "twilio_voice", base)
    return post_twilio(client, "twilio_voice", {**load("twilio_voice_gather"), "CallSid": call_sid, "From": caller, "Caller": caller, "Digits": digits})


def test_repeat_calls_within_a_day_update_the_open_request(client, centre):
    call(client, "CA0001")
    call(client, "CA0002", digits="2")
    call(client, "CA0003")
    request = CallbackRequest.objects.get()
    assert request.done_at is None and request.phone == "+959767889802"
    assert request.history.count() == 3  # each call is in the request's history
    assert Conversation.objects.count() == 1


def test_a_call_after_the_request_was_handled_or_a_day_later_is_a_new_request(client, centre, staff):
    call(client, "CA0001")
    CallbackRequest.objects.update(done_at=timezone.now())
    call(client, "CA0002")
    assert CallbackRequest.objects.count() == 2
    CallbackRequest.objects.filter(done_at__isnull=True).update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    call(client, "CA0003")
    assert CallbackRequest.objects.filter(done_at__isnull=True).count() == 2


@pytest.mark.parametrize("hidden", ["anonymous", "Anonymous", "Restricted", "Unknown", "", "+266696687", "+86282452253", "+7378742833", "+2562533", "+8656696", "266696687"])
def test_each_hidden_number_call_is_its_own_conversation(client, centre, hidden):
    first = call(client, "CA00A1", caller=hidden)
    call(client, "CA00A2", caller=hidden)
    assert "hidden" in ElementTree.fromstring(first.content).find("Say").text
    conversations = Conversation.objects.order_by("id")
    assert [c.external_user_id for c in conversations] == ["hidden:CA00A1", "hidden:CA00A2"]
    assert all(c.who == "" and c.inbound.count() == 2 for c in conversations)  # menu and keypress of one call together
    assert not CallbackRequest.objects.exists()


def test_caller_id_keeps_real_numbers():
    assert voice_caller_id(caller="+959767889802", call_sid="CA1") == "+959767889802"
    assert voice_caller_id(caller=" restricted ", call_sid="CA1") == "hidden:CA1"


def test_staff_cannot_reply_to_a_hidden_number(staff_client, centre):
    from django.urls import reverse

    call(staff_client, "CA00B1", caller="anonymous")
    conversation = Conversation.objects.get()
    before = conversation.outbound.count()  # the spoken answer of the call
    response = staff_client.post(reverse("bots:reply", args=[conversation.pk]), {"text": "Hello"})
    page = response.content.decode()
    assert "hid their number" in page, page[page.find("<form"):][:600]
    assert conversation.outbound.count() == before
