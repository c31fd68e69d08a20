"""Twilio status callbacks: an SMS reply or broadcast is marked delivered or failed, never backwards (issue 16.2)."""
import re

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from bots.broadcasts.services import broadcast_create, broadcast_start
from bots.channels import twilio
from bots.models import Conversation, OutboundMessage
from tests.bots.conftest import TWILIO_TOKEN, load, post_twilio
from tests.bots.test_broadcast_views import browser
from tests.factories import member

pytestmark = pytest.mark.django_db
PUBLIC = "https://helpdesk.example.org"


def post_status(client, form: dict, base: str = "http://testserver", token: str = TWILIO_TOKEN):
    url = reverse("bots:twilio_status")
    signature = RequestValidator(token).compute_signature(f"{base}{url}", form)
    return client.post(url, form, HTTP_X_TWILIO_SIGNATURE=signature)


def status(name: str, sid: str, **fields) -> dict:
    return {**load(name), "MessageSid": sid, "SmsSid": sid, **fields}


@pytest.fixture
def reply(centre):
    conversation = Conversation.objects.create(channel="sms", external_user_id="+959767889802", centre=centre)
    return OutboundMessage.objects.create(conversation=conversation, text="We are here", status="sent", external_id="SM1")


@pytest.fixture
def sms_broadcast(centre, settings, fake_api, django_capture_on_commit_callbacks):
    """An SMS broadcast to two people, sent through the fake Twilio with BOT_PUBLIC_URL set."""
    settings.BOT_PUBLIC_URL = PUBLIC
    settings.BROADCAST_SMS_BUDGET = 10
    manager = member("manager", centre, username="manager")
    Conversation.objects.bulk_create([
        Conversation(channel="sms", external_user_id=f"+95976788980{i}", centre=centre, language="en") for i in range(2)
    ])
    broadcast = broadcast_create(title="Check the licence", text_en="Check the licence before you pay.", text_my="လိုင်စင် စစ်ပါ။",
                                 channels=["sms"], centres=[centre], created_by=manager)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast_start(broadcast=broadcast, user=manager)
    return broadcast, manager


def test_delivered_marks_a_reply(client, reply):
    assert post_twilio(client, "twilio_status", status("twilio_status_delivered", "SM1")).status_code == 200
    reply.refresh_from_db()
    assert reply.status == "delivered"


def test_undelivered_marks_failed_with_the_error_code(client, reply):
    assert post_twilio(client, "twilio_status", status("twilio_status_undelivered", "SM1")).status_code == 200
    reply.refresh_from_db()
    assert (reply.status, reply.last_error) == ("failed", "Twilio error 30003")


def test_read_marks_seen_and_other_statuses_change_nothing(client, reply):
    for value in ("queued", "sending", "sent", "accepted", "scheduled", "something-new"):
        assert post_twilio(client, "twilio_status", status("twilio_status_delivered", "SM1", MessageStatus=value)).status_code == 200
    reply.refresh_from_db()
    assert reply.status == "sent"
    assert post_twilio(client, "twilio_status", status("twilio_status_delivered", "SM1", MessageStatus="read")).status_code == 200
    reply.refresh_from_db()
    assert reply.status == "seen"


def test_a_late_sent_or_a_retried_delivered_changes_nothing(client, reply):
    for value in ("delivered", "delivered", "sent"):
        assert post_twilio(client, "twilio_status", status("twilio_status_delivered", "SM1", MessageStatus=value)).status_code == 200
    reply.refresh_from_db()
    assert reply.status == "delivered"


def test_a_voice_caller_answered_by_sms_is_marked_too(client, centre):
    conversation = Conversation.objects.create(channel="voice", external_user_id="+959767889802", centre=centre)
    sms = OutboundMessage.objects.create(conversation=conversation, text="We will call you", status="sent", external_id="SM9")
    post_twilio(client, "twilio_status", status("twilio_status_delivered", "SM9"))
    sms.refresh_from_db()
    assert sms.status == "delivered"


def test_forged_or_unsigned_is_refused(client, reply):
    form = status("twilio_status_delivered", "SM1")
    assert post_twilio(client, "twilio_status", form, token="not-the-token").status_code == 403
    assert client.post(reverse("bots:twilio_status"), form).status_code == 403
    reply.refresh_from_db()
    assert reply.status == "sent"


@pytest.mark.parametrize("missing", ["MessageSid", "MessageStatus"])
def test_missing_fields_are_400(client, reply, missing):
    form = status("twilio_status_delivered", "SM1")
    form.pop(missing)
    if missing == "MessageSid":
        form.pop("SmsSid")
    assert post_twilio(client, "twilio_status", form).status_code == 400


def test_sends_ask_for_the_callback_only_with_a_public_url(settings, fake_api, centre):
    conversation = Conversation.objects.create(channel="sms", external_user_id="+959767889802", centre=centre)
    twilio.send(conversation, "one")
    settings.BOT_PUBLIC_URL = PUBLIC + "/"
    twilio.send(conversation, "two")
    first, second = (request["body"] for request in fake_api.requests)
    assert "StatusCallback" not in first
    assert "StatusCallback=https%3A%2F%2Fhelpdesk.example.org%2Fbots%2Ftwilio%2Fstatus%2F" in second


def test_broadcast_recipients_are_marked_and_the_page_counts_delivered(client, sms_broadcast, fake_api):
    broadcast, manager = sms_broadcast
    assert all("StatusCallback=" in request["body"] for request in fake_api.requests)
    first, second = broadcast.recipients.order_by("pk").values_list("provider_message_id", flat=True)
    assert post_status(client, status("twilio_status_delivered", first), base=PUBLIC).status_code == 200
    assert post_status(client, status("twilio_status_undelivered", second), base=PUBLIC).status_code == 200
    assert post_status(client, status("twilio_status_delivered", first, MessageStatus="sent"), base=PUBLIC).status_code == 200
    assert dict(broadcast.recipients.values_list("provider_message_id", "status")) == {first: "delivered", second: "failed"}
    assert broadcast.recipients.get(provider_message_id=second).error == "Twilio error 30003"
    page = browser(manager).get(reverse("bots:broadcast_detail", args=[broadcast.pk])).content.decode()
    reach = re.sub(r"\s+", " ", page[page.index('id="reach"'):page.index("</table>", page.index('id="reach"'))])
    assert "SMS</td><td>1</td> <td>1</td>" in reach  # sent 1 (the failed one is not), delivered 1
    assert "Twilio tells us when an SMS was delivered" in page


def test_without_a_public_url_the_page_says_sms_delivery_is_not_reported(sms_broadcast, settings):
    broadcast, manager = sms_broadcast
    settings.BOT_PUBLIC_URL = ""
    page = browser(manager).get(reverse("bots:broadcast_detail", args=[broadcast.pk])).content.decode()
    reach = re.sub(r"\s+", " ", page[page.index('id="reach"'):page.index("</table>", page.index('id="reach"'))])
    assert "not reported" in reach.split("SMS</td>")[1].split("</tr>")[0].split("</td>")[1]


@pytest.mark.parametrize("form", [
    {"MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "3\x000" * 200},
    {"MessageSid": "SM1\x00", "MessageStatus": "DELIVERED "},
    {"MessageSid": "S" * 5000, "MessageStatus": "failed"},
    {"MessageSid": "", "MessageStatus": "delivered"},
])
def test_odd_callbacks_never_500(client, reply, form):
    assert post_twilio(client, "twilio_status", form).status_code in (200, 400)
    reply.refresh_from_db()
    assert len(reply.last_error) <= 300
