"""The bots' part of erasing a person: their conversations (however linked) go blank, other migrants' stay."""
import pytest

from bots.models import CallbackRequest, Conversation, InboundMessage
from helpdesk.erasure import erasure_confirm, erasure_request
from tests.bots.conftest import load, post_twilio
from tests.factories import PersonFactory, member

pytestmark = pytest.mark.django_db

PHONE = "+959451234987"
OTHER = "+959250001122"


def sms(client, sid: str, body: str, phone: str):
    form = {**load("twilio_sms"), "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "Body": body, "From": phone}
    assert post_twilio(client, "twilio_sms", form).status_code == 200


def erase(person, centre):
    first, second = member("manager", centre), member("manager", centre)
    return erasure_confirm(erasure=erasure_request(person=person, user=first, reason="asked"), user=second)


def test_an_sms_chat_from_the_persons_phone_goes_even_unlinked_and_others_stay(client, centre):
    person = PersonFactory(centre=centre, name="Ma Thida", phone=PHONE)
    sms(client, "SM" + "1" * 32, "Ma Thida here, agency kept my passport", PHONE)  # never linked to the person
    sms(client, "SM" + "2" * 32, "Ko Aung here, I need a job", OTHER)
    telegram = Conversation.objects.create(channel="telegram", external_user_id="5187654321", centre=centre, person=person,
                                           display_name="Thida")
    CallbackRequest.objects.create(conversation=telegram, centre=centre, name="Ma Thida", phone=PHONE)

    counts = erase(person, centre)

    assert counts["bot conversations"] == 2
    mine = Conversation.objects.exclude(external_user_id=OTHER)
    assert {c.external_user_id for c in mine} == {f"erased:{c.pk}" for c in mine}
    assert set(InboundMessage.objects.filter(conversation__in=mine).values_list("text", flat=True)) == {""}
    assert set(CallbackRequest.objects.values_list("name", "phone")) == {("", "")}
    other = Conversation.objects.get(external_user_id=OTHER)
    assert other.inbound.get().text == "Ko Aung here, I need a job"


def test_the_migrant_who_writes_again_starts_a_new_conversation(client, centre):
    person = PersonFactory(centre=centre, name="Ma Thida", phone=PHONE)
    sms(client, "SM" + "1" * 32, "hello", PHONE)
    erase(person, centre)

    sms(client, "SM" + "3" * 32, "hello again", PHONE)

    assert Conversation.objects.count() == 2
    fresh = Conversation.objects.get(external_user_id=PHONE)
    assert fresh.person is None and fresh.inbound.get().text == "hello again"
