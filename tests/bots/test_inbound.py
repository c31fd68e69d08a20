"""Receiving: one helpline contact per conversation-day, Zawgyi stored as Unicode, failures kept, concurrent retries."""
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bots.models import Conversation, InboundMessage, OutboundMessage
from bots.services import inbound_receive, inbound_record_failure
from helpdesk.models import Contact
from tests.bots.conftest import load, post_telegram

pytestmark = pytest.mark.django_db


def receive(external_id, text, user="5187654321", **kwargs):
    return inbound_receive(channel="telegram", external_id=str(external_id), user_id=user, payload={}, text=text, **kwargs)


def test_one_contact_per_conversation_day(centre):
    for i, text in enumerate(["hi", "1", "menu"]):
        receive(i, text)
    assert Contact.objects.count() == 1
    contact = Contact.objects.get()
    Contact.objects.filter(pk=contact.pk).update(date=timezone.localdate() - timedelta(days=1))  # yesterday's conversation
    receive(10, "menu")
    assert Contact.objects.count() == 2
    assert set(Contact.objects.values_list("date", flat=True)) == {timezone.localdate(), timezone.localdate() - timedelta(days=1)}


def test_two_people_are_two_contacts(centre):
    receive(1, "hi", user="1")
    receive(2, "hi", user="2")
    assert Contact.objects.filter(service="helpline", channel="telegram").count() == 2


def test_zawgyi_message_is_stored_as_unicode_and_remembered(centre):
    receive(1, "hi")
    receive(2, "1")
    receive(3, "ေရႊျမန္မာ")
    conversation = Conversation.objects.get()
    assert conversation.zawgyi and conversation.last_message_text == "ရွှေမြန်မာ"
    assert InboundMessage.objects.get(external_id="3").text == "ရွှေမြန်မာ"


def test_without_default_centre_the_conversation_waits_for_a_centre(centre, settings):
    settings.BOT_DEFAULT_CENTRE = ""
    receive(1, "hi")
    assert Conversation.objects.get().centre is None and not Contact.objects.exists()


def test_contact_gets_the_person_and_gender_from_a_complaint(centre):
    for i, text in enumerate(["hi", "2", "3", "1", "1", "Ma Thida", "1", "09767889802", "-", "1", "1", "Fees", "0", "1"]):
        receive(i, text)
    helpline = Contact.objects.get(service="helpline")
    assert helpline.person.name == "Ma Thida" and helpline.gender == "woman"
    assert Contact.objects.filter(service="complaint").count() == 1  # the complaint records its own contact


def test_a_payload_kept_after_a_failure_is_not_processed_again(client, centre):
    """After a processing error the payload is kept for review; Telegram's retries are answered, not re-run."""
    payload = load("telegram_message")
    inbound_record_failure(channel="telegram", external_id=str(payload["update_id"]), payload=payload)
    assert post_telegram(client, payload).status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.kind == "error" and inbound.payload["update_id"] == payload["update_id"]
    assert not Conversation.objects.exists() and not OutboundMessage.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_message(centre, client):
    """Telegram retried while the first call was still running: both answered, one stored, one reply."""
    payload = load("telegram_message")
    results, barrier = [], threading.Barrier(4)

    def post():
        from django.test import Client

        barrier.wait()
        try:
            results.append(post_telegram(Client(), payload).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 4
    assert InboundMessage.objects.count() == 1 and OutboundMessage.objects.count() == 1
    assert Conversation.objects.count() == 1 and Contact.objects.count() == 1


def test_complaint_without_a_centre_asks_for_the_nearest_one_first(centre, settings):
    settings.BOT_DEFAULT_CENTRE = ""
    receive(1, "hi")
    receive(2, "2")
    reply = receive(3, "3").inbound.replies.get().text
    assert "nearest to you" in reply and "CTUM North Dagon" in reply
    for i, text in enumerate(["1", "1", "Ko Aung", "2", "-", "-", "2", "3", "Not paid", "0", "1"], start=4):
        last = receive(i, text)
    conversation = Conversation.objects.get()
    assert conversation.centre == centre
    assert "NDG-" in last.inbound.replies.get().text
    assert Contact.objects.filter(service="helpline", centre=centre).count() == 1


def test_history_records_what_staff_care_about_not_every_message(centre):
    receive(1, "hi")
    receive(2, "1")  # language chosen: recorded
    receive(3, "menu")
    receive(4, "menu")
    conversation = Conversation.objects.get()
    assert [h.language for h in conversation.history.order_by("history_id")] == ["", "", "my"]
    receive(5, "4")  # hand-over: recorded
    assert conversation.history.latest("history_id").attention == "handover"


def test_a_message_costs_a_fixed_number_of_queries(centre, django_assert_max_num_queries):
    receive(1, "hi")
    receive(2, "1")
    for i, text in enumerate(["menu", "2", "1", "Ma Aye", "menu"], start=3):
        with django_assert_max_num_queries(10):
            receive(i, text)


def test_replay_reports_it_was_not_created_and_keeps_the_first_answer(centre):
    first = receive(1, "hi", answer=lambda replies: "|".join(replies))
    again = receive(1, "something else", answer=lambda replies: "changed")
    assert first.created and not again.created
    assert again.body == first.body and "Choose a language" in first.body


def test_a_poster_link_chooses_the_centre_so_the_complaint_does_not_ask(centre, other_centre):
    receive(1, "/start TCL")
    receive(2, "2")
    reply = receive(3, "3").inbound.replies.get().text
    conversation = Conversation.objects.get()
    assert conversation.centre == other_centre and conversation.state["step"] == "c_consent" and "Agree?" in reply
