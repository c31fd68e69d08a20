"""Sending replies against a fake Telegram/Viber/Twilio API on 127.0.0.1: success, outage, retry, give-up."""
from datetime import timedelta

import pytest
from django.utils import timezone

from bots.models import Conversation, InboundMessage, OutboundMessage
from bots.services import outbound_enqueue_due, outbound_queue, outbound_retry, outbound_send
from bots.services.outbound import backoff
from tests.bots.conftest import TELEGRAM_TOKEN, TWILIO_SID

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(centre):
    return Conversation.objects.create(channel="telegram", external_user_id="5187654321", centre=centre)


def queue(conversation, text, capture):
    with capture(execute=True):
        return outbound_queue(conversation=conversation, text=text)


def test_reply_is_sent_after_commit(chat, fake_api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        outbound = outbound_queue(conversation=chat, text="မင်္ဂလာပါ")
    assert fake_api.requests == [] and outbound.status == "pending"  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    outbound.refresh_from_db()
    assert outbound.status == "sent" and outbound.attempts == 1 and outbound.sent_at and outbound.external_id
    body = fake_api.requests[0]["body"]
    assert (body["chat_id"], body["text"]) == ("5187654321", "မင်္ဂလာပါ")


def test_outage_then_retry_sends_the_message_once(chat, fake_api, django_capture_on_commit_callbacks, caplog):
    fake_api.fail_next(1, status=502)
    outbound = queue(chat, "Your complaint NDG-2026-0001 is registered", django_capture_on_commit_callbacks)
    outbound.refresh_from_db()
    assert outbound.status == "pending" and outbound.attempts == 1 and "Bad Gateway" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now()
    assert outbound_enqueue_due() == 0  # not due yet: backoff
    OutboundMessage.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert outbound_enqueue_due() == 1  # the retry time has come
    outbound.refresh_from_db()
    assert outbound.status == "sent" and outbound.attempts == 2 and outbound.last_error == ""
    assert len(fake_api.requests) == 2 and fake_api.texts() == ["Your complaint NDG-2026-0001 is registered"] * 2
    assert TELEGRAM_TOKEN not in caplog.text  # httpx logs the URL; the token is masked


def test_unreachable_channel_keeps_the_message_pending(chat, django_capture_on_commit_callbacks):
    outbound = queue(chat, "hello", django_capture_on_commit_callbacks)  # nothing listens on 127.0.0.1:9
    outbound.refresh_from_db()
    assert outbound.status == "pending" and "unreachable" in outbound.last_error
    assert TELEGRAM_TOKEN not in outbound.last_error


def test_gives_up_after_max_attempts_and_staff_can_retry(chat, fake_api, settings, django_capture_on_commit_callbacks):
    settings.BOT_SEND_MAX_ATTEMPTS = 2
    fake_api.fail_next(2, status=500)
    outbound = queue(chat, "hello", django_capture_on_commit_callbacks)
    outbound_send(outbound_id=outbound.pk)
    outbound.refresh_from_db()
    assert outbound.status == "failed" and outbound.attempts == 2
    assert outbound_enqueue_due(now=timezone.now() + timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        outbound_retry(outbound=outbound)
    outbound.refresh_from_db()
    assert outbound.status == "sent" and len(fake_api.requests) == 3


def test_blocked_by_user_is_a_permanent_failure(chat, fake_api, django_capture_on_commit_callbacks):
    fake_api.fail_next(1, status=403, body={"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    outbound = queue(chat, "hello", django_capture_on_commit_callbacks)
    outbound.refresh_from_db()
    assert outbound.status == "failed" and "blocked" in outbound.last_error and outbound.next_attempt_at is None


def test_telegram_rate_limit_waits_as_told(chat, fake_api, django_capture_on_commit_callbacks):
    fake_api.fail_next(1, status=429, body={"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 600}})
    before = timezone.now()
    outbound = queue(chat, "hello", django_capture_on_commit_callbacks)
    outbound.refresh_from_db()
    assert outbound.status == "pending" and outbound.next_attempt_at >= before + timedelta(seconds=600)


def test_a_sent_message_is_never_sent_twice(chat, fake_api, django_capture_on_commit_callbacks):
    outbound = queue(chat, "hello", django_capture_on_commit_callbacks)
    outbound_send(outbound_id=outbound.pk)
    assert len(fake_api.requests) == 1


def test_viber_send_and_unsubscribed_receiver(centre, fake_api, django_capture_on_commit_callbacks):
    viber = Conversation.objects.create(channel="viber", external_user_id="01234567890A=", centre=centre)
    outbound = queue(viber, "ကျေးဇူးတင်ပါတယ်", django_capture_on_commit_callbacks)
    outbound.refresh_from_db()
    request = fake_api.requests[0]
    assert request["path"] == "/pa/send_message" and request["body"]["sender"]["name"] == "MC Helpdesk"
    assert outbound.status == "sent"
    fake_api.fail_next(1, status=200, body={"status": 6, "status_message": "notSubscribed"})
    second = queue(viber, "again", django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.status == "failed" and "notSubscribed" in second.last_error


def test_sms_goes_through_the_twilio_messages_api(centre, fake_api, django_capture_on_commit_callbacks):
    sms = Conversation.objects.create(channel="sms", external_user_id="+959767889802", centre=centre)
    outbound = queue(sms, "We will call you tomorrow.", django_capture_on_commit_callbacks)
    outbound.refresh_from_db()
    request = fake_api.requests[0]
    assert request["path"] == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert request["headers"]["Authorization"].startswith("Basic ")
    assert fake_api.texts() == ["We will call you tomorrow."] and outbound.external_id.startswith("SM")


def test_database_backend_defers_the_retry(chat, fake_api, settings, django_capture_on_commit_callbacks):
    """In production the retry is a task scheduled for later, not a busy loop."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "replies", "imports"]}}
    with django_capture_on_commit_callbacks(execute=True):
        outbound = outbound_queue(conversation=chat, text="hello")
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [outbound.pk]
    fake_api.fail_next(1)
    with django_capture_on_commit_callbacks(execute=True):
        outbound_send(outbound_id=outbound.pk)
    retry = DBTaskResult.objects.exclude(pk=task.pk).get()
    outbound.refresh_from_db()
    assert retry.run_after == outbound.next_attempt_at and retry.run_after > timezone.now()


def test_viber_outage_then_retry(centre, fake_api, django_capture_on_commit_callbacks):
    viber = Conversation.objects.create(channel="viber", external_user_id="01234567890A=", centre=centre)
    fake_api.fail_next(1, status=503, body={"status": 1, "status_message": "Service Unavailable"})
    outbound = queue(viber, "ကျေးဇူးတင်ပါတယ်", django_capture_on_commit_callbacks)
    outbound.refresh_from_db()
    assert outbound.status == "pending" and "Service Unavailable" in outbound.last_error
    OutboundMessage.objects.filter(pk=outbound.pk).update(next_attempt_at=outbound.next_attempt_at - backoff(1) - timedelta(seconds=1))
    outbound_enqueue_due()  # the retry time has come
    outbound.refresh_from_db()
    assert outbound.status == "sent" and [r["body"]["text"] for r in fake_api.requests] == ["ကျေးဇူးတင်ပါတယ်"] * 2


@pytest.mark.django_db(transaction=True)
def test_production_worker_sends_the_reply_to_a_webhook(client, centre, fake_api, settings):
    """With the database backend the webhook only queues; `manage.py db_worker` sends."""
    from django.core.management import call_command

    from tests.bots.conftest import load, post_telegram

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "replies", "imports"]}}
    assert post_telegram(client, load("telegram_message")).status_code == 200
    assert InboundMessage.objects.get().processed_at is None  # the webhook only stored it
    assert not OutboundMessage.objects.exists() and fake_api.requests == []
    call_command("db_worker", "--queue-name", "imports", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert not OutboundMessage.objects.exists()  # the imports worker leaves replies alone
    call_command("db_worker", "--queue-name", "replies", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    outbound = OutboundMessage.objects.get()
    assert outbound.status == "sent" and "Choose a language" in fake_api.texts()[0]
    assert InboundMessage.objects.get().processed_at is not None


def test_telegram_bot_questions_come_with_number_buttons(client, centre, fake_api, django_capture_on_commit_callbacks):
    from tests.bots.conftest import post_telegram
    from tests.bots.test_webhooks import telegram

    for i, text in enumerate(["hi", "1", "2", "1"]):
        with django_capture_on_commit_callbacks(execute=True):
            post_telegram(client, telegram(text, 100 + i))
    welcome, menu, consent, name_question = (r["body"]["reply_markup"] for r in fake_api.requests)
    assert welcome["keyboard"] == [[{"text": "1"}, {"text": "2"}]]
    assert [b["text"] for b in menu["keyboard"][0]] == ["၁", "၂", "၃", "၄", "၅"]  # the Burmese menu numbers
    assert [b["text"] for b in consent["keyboard"][0]] == ["၁", "၂"]  # agree or not, one press
    assert name_question == {"remove_keyboard": True}  # a free-text question: no buttons


def test_staff_replies_have_no_buttons(chat, fake_api, django_capture_on_commit_callbacks, staff):
    from bots.services import conversation_reply

    with django_capture_on_commit_callbacks(execute=True):
        conversation_reply(conversation=chat, text="1. Bring your passport\n2. Come on Monday", staff=staff)
    notice, reply = (r["body"] for r in fake_api.requests)
    assert notice["reply_markup"] == {"remove_keyboard": True}  # "a staff member is now answering": the bot's buttons go
    assert "reply_markup" not in reply


def test_a_later_reply_waits_for_an_earlier_one_still_retrying(chat, fake_api, django_capture_on_commit_callbacks):
    """The stale "type the agency's name" must not arrive after the answer and the menu."""
    fake_api.fail_next(1, status=502)
    first = queue(chat, "Type the agency's name", django_capture_on_commit_callbacks)
    second = queue(chat, "Shwe Myanmar: licensed. Menu: 1 2 3", django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "pending" and first.attempts == 1  # retrying
    assert second.status == "pending" and second.attempts == 0
    assert fake_api.texts() == ["Type the agency's name"]  # the failed attempt only: the second waits its turn
    OutboundMessage.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        outbound_enqueue_due()  # the retry is due: the first goes, and its end sends the second
    assert fake_api.texts() == ["Type the agency's name"] * 2 + ["Shwe Myanmar: licensed. Menu: 1 2 3"]
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_reply_that_failed_for_good_no_longer_holds_the_next(chat, fake_api, django_capture_on_commit_callbacks):
    fake_api.fail_next(1, status=403, body={"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    with django_capture_on_commit_callbacks(execute=True):
        first = outbound_queue(conversation=chat, text="one")
        second = outbound_queue(conversation=chat, text="two")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "failed" and second.status == "sent" and fake_api.texts() == ["one", "two"]


def test_another_conversation_never_waits(chat, centre, fake_api, django_capture_on_commit_callbacks):
    other = Conversation.objects.create(channel="telegram", external_user_id="5100000001", centre=centre)
    fake_api.fail_next(1, status=502)
    queue(chat, "stuck", django_capture_on_commit_callbacks)
    answered = queue(other, "answered", django_capture_on_commit_callbacks)
    answered.refresh_from_db()
    assert answered.status == "sent" and fake_api.texts() == ["stuck", "answered"]  # "stuck" was the failed attempt
