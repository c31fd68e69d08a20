"""Broadcasts against the fake channel APIs: who is reached or skipped and why, rate limits, opt-outs, receipts."""
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from bots.broadcasts import sending
from bots.broadcasts.models import Broadcast, BroadcastRecipient
from bots.broadcasts.sending import BATCH_SIZE, broadcast_send_batch
from bots.broadcasts.services import (
    ALREADY_RECORDED,
    broadcast_cancel,
    broadcast_create,
    broadcast_preview,
    broadcast_record_activity,
    broadcast_start,
)
from bots.conversation import respond
from bots.models import Conversation, InboundMessage, OutboundMessage
from bots.services import outbound_queue
from bots.services.effects import DatabaseEffects
from helpdesk.models import Activity
from tests.bots.conftest import post_messenger, post_viber
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db
QUEUES = ["default", "replies", "imports"]
TEXT_EN = "Before you pay an agency, check its licence. Pass this on to ten friends."
TEXT_MY = "အေဂျင်စီကို ငွေမပေးမီ လိုင်စင်ကို စစ်ဆေးပါ။ သူငယ်ချင်း ဆယ်ယောက်ထံ ပြန်ပို့ပါ။"


@pytest.fixture(autouse=True)
def _batches_never_cut_short(monkeypatch):
    """A loaded test machine must not cut a batch at BATCH_SECONDS: counts below are per batch of 25."""
    monkeypatch.setattr(sending, "BATCH_SECONDS", 600)


@pytest.fixture
def manager(centre):
    return member("manager", centre, username="manager")


def chats(centre, channel: str, count: int, *, language: str = "en", start: int = 0, **fields) -> list[Conversation]:
    return Conversation.objects.bulk_create([
        Conversation(channel=channel, external_user_id=f"{channel}-{start + i}", centre=centre, language=language, **fields)
        for i in range(count)
    ])


def heard(conversation, ago: timedelta) -> None:
    InboundMessage.objects.create(
        channel=conversation.channel, external_id=f"in-{conversation.pk}-{ago}", conversation=conversation, kind="message",
        received_at=timezone.now() - ago,
    )


def write(manager, centres, channels, **fields) -> Broadcast:
    return broadcast_create(
        title="Check the licence", text_en=TEXT_EN, text_my=TEXT_MY, channels=channels, centres=centres, created_by=manager, **fields,
    )


def start(broadcast, manager, capture) -> int:
    with capture(execute=True):
        return broadcast_start(broadcast=broadcast, user=manager)


def statuses(broadcast) -> dict:
    found = {}
    for status, reason in broadcast.recipients.values_list("status", "reason"):
        key = f"{status}:{reason}" if reason else status
        found[key] = found.get(key, 0) + 1
    return found


# Who is reached, who is skipped and why ---------------------------------------------------------

def test_every_conversation_is_queued_or_skipped_with_its_reason(centre, manager, fake_api, settings, django_capture_on_commit_callbacks):
    settings.BROADCAST_SMS_BUDGET = 0
    [ok] = chats(centre, "telegram", 1)
    [stopped] = chats(centre, "telegram", 1, start=1, broadcasts_stopped_at=timezone.now())
    [blocked] = chats(centre, "viber", 1, subscribed=False)
    [gone] = chats(centre, "viber", 1, start=1)
    gone.person = PersonFactory(centre=centre, erased_at=timezone.now())
    gone.save()
    [recent, old] = chats(centre, "messenger", 2)
    heard(recent, timedelta(hours=2))
    heard(old, timedelta(hours=30))
    [sms] = chats(centre, "sms", 1)
    elsewhere = chats(CentreFactory(code="OTH"), "telegram", 1, start=9)
    broadcast = write(manager, [centre], ["telegram", "viber", "messenger", "sms"])
    preview = {p.channel: (p.send, dict(p.skipped)) for p in broadcast_preview(broadcast)}
    assert preview == {
        "telegram": (1, {"stopped": 1}), "viber": (0, {"unsubscribed": 1, "erased": 1}),
        "messenger": (1, {"window": 1}), "sms": (0, {"sms_budget": 1}),
    }
    assert start(broadcast, manager, django_capture_on_commit_callbacks) == 2
    assert statuses(broadcast) == {"sent": 2, "skipped:stopped": 1, "skipped:unsubscribed": 1, "skipped:erased": 1,
                                   "skipped:window": 1, "skipped:sms_budget": 1}
    sent_to = set(broadcast.recipients.filter(status="sent").values_list("conversation_id", flat=True))
    assert sent_to == {ok.pk, recent.pk} and not broadcast.recipients.filter(conversation__in=elsewhere).exists()
    broadcast.refresh_from_db()
    assert broadcast.status == "done" and broadcast.finished_at is not None


def test_each_recipient_reads_their_language_and_how_to_stop(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 1, language="my")
    chats(centre, "telegram", 1, language="en", start=1)
    chats(centre, "telegram", 1, language="", start=2)
    start(write(manager, [centre], ["telegram"]), manager, django_capture_on_commit_callbacks)
    burmese, english, unknown = fake_api.texts()
    assert burmese.startswith(TEXT_MY) and TEXT_EN not in burmese and "STOP" in burmese
    assert english.startswith(TEXT_EN) and english.endswith("To get no more of these messages, reply STOP.")
    assert TEXT_MY in unknown and TEXT_EN in unknown  # no language chosen yet: both
    assert all("reply_markup" not in r["body"] for r in fake_api.requests)  # a broadcast asks no question


def test_english_is_sent_when_there_is_no_burmese(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 1, language="my")
    broadcast = broadcast_create(title="t", text_en=TEXT_EN, channels=["telegram"], centres=[centre], created_by=manager)
    start(broadcast, manager, django_capture_on_commit_callbacks)
    assert fake_api.texts()[0].startswith(TEXT_EN)


def test_a_broadcast_needs_a_channel_and_a_centre(centre, manager):
    with pytest.raises(ValidationError):
        write(manager, [centre], [])
    with pytest.raises(ValidationError):
        write(manager, [], ["telegram"])
    with pytest.raises(ValidationError):
        write(manager, [centre], ["voice"])  # not a broadcast channel: dropped, leaving none


def test_pressing_send_twice_sends_once(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 3)
    broadcast = write(manager, [centre], ["telegram"])
    assert start(broadcast, manager, django_capture_on_commit_callbacks) == 3
    assert start(broadcast, manager, django_capture_on_commit_callbacks) == 0
    assert len(fake_api.requests) == 3 and broadcast.recipients.count() == 3


def test_one_broadcast_per_channel_at_a_time(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 30)
    first = write(manager, [centre], ["telegram"])
    with django_capture_on_commit_callbacks(execute=False):  # its batches have not run yet
        broadcast_start(broadcast=first, user=manager)
    first.refresh_from_db()
    assert first.status == "sending"
    second = write(manager, [centre], ["viber", "telegram"])
    with pytest.raises(ValidationError) as error:
        broadcast_start(broadcast=second, user=manager)
    assert error.value.params == {"channels": "telegram"}
    second.refresh_from_db()
    assert second.status == "draft" and not second.recipients.exists()
    assert start(write(manager, [centre], ["viber"]), manager, django_capture_on_commit_callbacks) == 0  # another channel may go


# Channel rules -----------------------------------------------------------------------------------

def test_telegram_429_puts_the_rest_back_and_waits_retry_after(centre, manager, fake_api, settings, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 10)
    ok = {"ok": True, "result": {"message_id": 1}}
    fake_api.failures += [(200, ok)] * 3 + [(429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                                                   "parameters": {"retry_after": 7}})]
    broadcast = write(manager, [centre], ["telegram"])
    start(broadcast, manager, django_capture_on_commit_callbacks)  # the immediate backend cannot defer: the rest waits
    assert statuses(broadcast) == {"sent": 3, "queued": 7}
    assert set(broadcast.recipients.filter(status="queued").values_list("attempts", flat=True)) == {0}  # a 429 is no attempt
    result = broadcast_send_batch(broadcast_id=broadcast.pk, channel="telegram")
    assert result.sent == 7 and not result.more
    assert statuses(broadcast) == {"sent": 10}
    chat_ids = [r["body"]["chat_id"] for r in fake_api.requests if r["path"].endswith("/sendMessage")]
    assert len(chat_ids) == 11 and len(set(chat_ids)) == 10  # the one refused was sent again once, nobody twice


@pytest.mark.django_db(transaction=True)
def test_database_worker_keeps_telegram_under_its_rate_and_defers_after_429(fake_api, settings):
    """25 messages a batch, a batch a second at most; a 429 re-schedules after retry_after, nothing lost or doubled."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    centre = CentreFactory(code="NDG")
    manager = member("manager", centre)
    chats(centre, "telegram", 60)
    broadcast = write(manager, [centre], ["telegram"])
    ok = {"ok": True, "result": {"message_id": 1}}
    fake_api.failures += [(200, ok)] * 29 + [(429, {"ok": False, "error_code": 429, "parameters": {"retry_after": 30}})]
    assert broadcast_start(broadcast=broadcast, user=manager) == 60
    waited_for_telegram = False
    for _ in range(20):  # the worker stops whenever the next batch is not due yet; then time "passes"
        before = timezone.now()
        work()
        waiting = DBTaskResult.objects.filter(status="READY").first()
        if waiting is None:
            break
        assert waiting.priority == -10  # below live replies
        if waiting.run_after > timezone.now() + timedelta(seconds=20):  # the 429's retry_after, not the next second
            assert statuses(broadcast) == {"sent": 29, "queued": 31} and not waited_for_telegram
            assert waiting.run_after >= before + timedelta(seconds=30)
            waited_for_telegram = True
        else:
            assert statuses(broadcast)["queued"] % 25 in (6, 10)  # 60 - 25k (batches), or 31 - 25k after the 429
            last_batch = max(broadcast.recipients.exclude(sent_at=None).values_list("sent_at", flat=True))
            assert waiting.run_after >= last_batch + timedelta(seconds=1)  # the next batch a second after this one began
        DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    assert waited_for_telegram
    assert statuses(broadcast) == {"sent": 60}
    sends = [r["body"]["chat_id"] for r in fake_api.requests]
    assert len(sends) == 61 and len(set(sends)) == 60  # the refused one twice, nobody else
    # Every batch is stamped with its start: at most 25 a batch.
    batches = sorted(Counter(broadcast.recipients.values_list("sent_at", flat=True)).items())
    assert all(size <= 25 for _at, size in batches) and batches[0][1] == 25
    broadcast.refresh_from_db()
    assert broadcast.status == "done"


def work(*extra: str) -> None:
    call_command("db_worker", "--queue-name", "replies", "--batch", "--no-startup-delay", "--no-reload", *extra, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_live_reply_queued_behind_a_broadcast_is_sent_first(fake_api, settings):
    """The worker takes the highest priority first: a reply enqueued after a broadcast batch runs before it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": QUEUES}}
    centre = CentreFactory(code="NDG")
    manager = member("manager", centre)
    chats(centre, "telegram", 30)
    live = Conversation.objects.create(channel="telegram", external_user_id="live-1", centre=centre)
    broadcast = write(manager, [centre], ["telegram"])
    broadcast_start(broadcast=broadcast, user=manager)  # its first batch is in the queue
    outbound_queue(conversation=live, text="Your call-back is booked.")  # then a live reply
    work("--max-tasks", "1")
    assert fake_api.texts() == ["Your call-back is booked."]
    assert OutboundMessage.objects.get().status == "sent" and statuses(broadcast) == {"queued": 31}  # the live chat is a subscriber too
    work("--max-tasks", "1")
    assert len(fake_api.requests) == 1 + BATCH_SIZE["telegram"]


def test_a_slow_channel_gives_the_worker_back_after_batch_seconds(centre, manager, fake_api, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    monkeypatch.setattr(sending, "BATCH_SECONDS", 0)  # every message takes "too long": one a batch, never none
    chats(centre, "messenger", 3)
    for chat in Conversation.objects.all():
        heard(chat, timedelta(minutes=5))
    broadcast = write(manager, [centre], ["messenger"])
    start(broadcast, manager, django_capture_on_commit_callbacks)  # Messenger has no spacing: the next batches follow
    assert statuses(broadcast) == {"sent": 3} and len(fake_api.requests) == 3
    assert set(broadcast.recipients.values_list("attempts", flat=True)) == {1}  # put back is no attempt


def test_viber_sends_300_receivers_a_call_one_call_per_language(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "viber", 400, language="en")
    chats(centre, "viber", 250, language="my", start=400)
    first_failed = [{"receiver": "viber-0", "status": 6, "status_message": "notSubscribed"},
                    {"receiver": "viber-1", "status": 5, "status_message": "receiverNotRegistered"}]
    fake_api.failures.append((200, {"status": 0, "status_message": "ok", "message_token": 777, "failed_list": first_failed}))
    broadcast = write(manager, [centre], ["viber"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    calls = [r for r in fake_api.requests if r["path"] == "/pa/broadcast_message"]
    assert all(len(c["body"]["broadcast_list"]) <= 300 for c in calls)
    receivers = [receiver for c in calls for receiver in c["body"]["broadcast_list"]]
    assert len(receivers) == 650 == len(set(receivers))
    assert all(len({TEXT_MY in c["body"]["text"]}) == 1 for c in calls)
    assert statuses(broadcast) == {"sent": 648, "failed": 2}
    assert "notSubscribed" in broadcast.recipients.get(conversation__external_user_id="viber-0").error
    assert broadcast.recipients.filter(provider_message_id="777").count() == 298


def test_messenger_sends_inside_the_window_only_and_rechecks_at_sending(centre, manager, fake_api, django_capture_on_commit_callbacks):
    [inside, closing] = chats(centre, "messenger", 2)
    heard(inside, timedelta(hours=1))
    heard(closing, timedelta(hours=23, minutes=59))
    broadcast = write(manager, [centre], ["messenger"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        broadcast_start(broadcast=broadcast, user=manager)
    InboundMessage.objects.filter(conversation=closing).update(received_at=timezone.now() - timedelta(hours=25))  # closed meanwhile
    for callback in callbacks:
        callback()
    assert statuses(broadcast) == {"sent": 1, "skipped:window": 1}
    [request] = fake_api.requests
    assert request["body"]["messaging_type"] == "UPDATE" and "tag" not in request["body"]


def test_sms_only_within_the_budget(centre, manager, fake_api, settings, django_capture_on_commit_callbacks):
    settings.BROADCAST_SMS_BUDGET = 2
    chats(centre, "sms", 3, language="en")  # English text and "STOP to opt out": one GSM-7 segment each
    [opted_out] = chats(centre, "sms", 1, start=3, subscribed=False)  # texted STOP: the carrier would refuse it
    broadcast = write(manager, [centre], ["sms"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    assert statuses(broadcast) == {"sent": 2, "skipped:sms_budget": 1, "skipped:unsubscribed": 1}
    broadcast.refresh_from_db()
    assert broadcast.sms_segments == 2 and all(t.endswith("STOP to opt out") for t in fake_api.texts())


def test_no_sms_without_a_budget(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "sms", 2)
    broadcast = write(manager, [centre], ["sms"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    assert statuses(broadcast) == {"skipped:sms_budget": 2} and fake_api.requests == []


def test_a_permanent_failure_is_recorded_and_not_retried(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 2)
    fake_api.fail_next(1, status=403, body={"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    broadcast = write(manager, [centre], ["telegram"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    assert statuses(broadcast) == {"failed": 1, "sent": 1}
    assert "blocked" in broadcast.recipients.get(status="failed").error


def test_a_transient_failure_is_retried_then_recorded_as_failed(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 1)
    fake_api.fail_next(3)
    broadcast = write(manager, [centre], ["telegram"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    assert statuses(broadcast) == {"queued": 1}
    broadcast_send_batch(broadcast_id=broadcast.pk, channel="telegram")
    broadcast_send_batch(broadcast_id=broadcast.pk, channel="telegram")
    assert statuses(broadcast) == {"failed": 1} and broadcast.recipients.get().attempts == 3


def test_bots_send_pending_restarts_a_stalled_broadcast_only(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 30)
    broadcast = write(manager, [centre], ["telegram"])
    with django_capture_on_commit_callbacks(execute=False):  # its first task is lost
        broadcast_start(broadcast=broadcast, user=manager)
    call_command("bots_send_pending", verbosity=0)
    assert statuses(broadcast) == {"queued": 30}  # started a moment ago: its chain may be alive, left alone
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Broadcast.objects.filter(pk=broadcast.pk).update(sent_at=an_hour_ago)
    BroadcastRecipient.objects.filter(pk=broadcast.recipients.first().pk).update(status="sent", sent_at=timezone.now())
    call_command("bots_send_pending", verbosity=0)
    assert statuses(broadcast) == {"sent": 1, "queued": 29}  # one was sent a moment ago: alive, left alone
    BroadcastRecipient.objects.filter(status="sent").update(sent_at=an_hour_ago)
    call_command("bots_send_pending", verbosity=0)
    assert statuses(broadcast)["sent"] >= 26  # stalled: restarted (the immediate backend then sends what is due)


def test_rows_a_dead_worker_held_are_failed_not_sent_twice(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 3)
    broadcast = write(manager, [centre], ["telegram"])
    with django_capture_on_commit_callbacks(execute=False):
        broadcast_start(broadcast=broadcast, user=manager)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    broadcast.recipients.update(status="sending", claimed_at=an_hour_ago)  # a batch took them, then its worker died
    Broadcast.objects.filter(pk=broadcast.pk).update(sent_at=an_hour_ago)
    call_command("bots_send_pending", verbosity=0)
    assert statuses(broadcast) == {"failed": 3} and fake_api.requests == []
    assert "not sent again" in broadcast.recipients.first().error
    broadcast.refresh_from_db()
    assert broadcast.status == "done"


def test_a_manager_stops_a_broadcast_that_is_sending(centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "telegram", 3)
    broadcast = write(manager, [centre], ["telegram"])
    with django_capture_on_commit_callbacks(execute=False):
        broadcast_start(broadcast=broadcast, user=manager)
    assert broadcast_cancel(broadcast=broadcast) == 3
    assert statuses(broadcast) == {"skipped:cancelled": 3} and broadcast.status == "done"
    assert broadcast_send_batch(broadcast_id=broadcast.pk, channel="telegram").sent == 0  # its queued batch finds nothing
    assert fake_api.requests == [] and broadcast_cancel(broadcast=broadcast) == 0


# Stop --------------------------------------------------------------------------------------------

def say(conversation, text):
    turn = respond(conversation.state, text, DatabaseEffects(conversation), channel=conversation.channel)
    conversation.state = turn.state
    conversation.save()
    return "\n".join(turn.replies)


def test_stop_after_a_broadcast_stops_broadcasts_and_the_next_one_skips(centre, manager, fake_api, django_capture_on_commit_callbacks):
    [chat] = chats(centre, "viber", 1, state={"lang": "en", "step": "menu", "data": {}, "zawgyi": False})
    start(write(manager, [centre], ["viber"]), manager, django_capture_on_commit_callbacks)
    assert "no more of our news" in say(chat, "STOP")
    assert chat.broadcasts_stopped_at is not None and chat.subscribed
    second = write(manager, [centre], ["viber"])
    start(second, manager, django_capture_on_commit_callbacks)
    assert statuses(second) == {"skipped:stopped": 1}
    assert "news messages again" in say(chat, "subscribe")
    assert chat.broadcasts_stopped_at is None


def test_stop_inside_a_flow_still_cancels_the_flow_only(centre, manager, fake_api, django_capture_on_commit_callbacks):
    [chat] = chats(centre, "telegram", 1, state={"lang": "en", "step": "menu", "data": {}, "zawgyi": False})
    start(write(manager, [centre], ["telegram"]), manager, django_capture_on_commit_callbacks)
    say(chat, "2")  # a call-back request: the consent question
    assert chat.state["step"] == "cb_consent"
    assert "conversation has ended" in say(chat, "stop")
    assert chat.broadcasts_stopped_at is None and chat.state["step"] == ""


def test_unsubscribe_inside_a_flow_stops_broadcasts_and_the_flow_goes_on(centre):
    [chat] = chats(centre, "telegram", 1, state={"lang": "en", "step": "menu", "data": {}, "zawgyi": False})
    say(chat, "2")
    reply = say(chat, "unsubscribe")
    assert "no more of our news" in reply and "Agree?" in reply
    assert chat.broadcasts_stopped_at is not None and chat.state["step"] == "cb_consent"


def test_stop_without_any_broadcast_keeps_its_old_meaning(centre):
    [chat] = chats(centre, "telegram", 1, state={"lang": "my", "step": "menu", "data": {}, "zawgyi": False})
    say(chat, "ရပ်")
    assert chat.broadcasts_stopped_at is None


def test_burmese_stop_after_a_broadcast(centre, manager, fake_api, django_capture_on_commit_callbacks):
    [chat] = chats(centre, "messenger", 1, language="my", state={"lang": "my", "step": "menu", "data": {}, "zawgyi": False})
    heard(chat, timedelta(minutes=5))
    start(write(manager, [centre], ["messenger"]), manager, django_capture_on_commit_callbacks)
    say(chat, "ရပ်ပါ")
    assert chat.broadcasts_stopped_at is not None


# Receipts ----------------------------------------------------------------------------------------

def test_viber_delivered_and_seen_callbacks_mark_each_receiver(client, centre, manager, fake_api, django_capture_on_commit_callbacks):
    chats(centre, "viber", 2)
    broadcast = write(manager, [centre], ["viber"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    token = broadcast.recipients.first().provider_message_id
    for event, user in (("delivered", "viber-0"), ("seen", "viber-0"), ("delivered", "viber-1"), ("delivered", "viber-0")):
        payload = {"event": event, "timestamp": 1764054001000, "message_token": int(token), "user_id": user}
        assert post_viber(client, payload).status_code == 200
    assert statuses(broadcast) == {"seen": 1, "delivered": 1}  # a late "delivered" never moves "seen" back
    seen = broadcast.recipients.get(status="seen")
    assert seen.delivered_at is not None and seen.seen_at is not None


def test_messenger_delivery_and_read_receipts(client, centre, manager, fake_api, django_capture_on_commit_callbacks):
    [one, two] = chats(centre, "messenger", 2)
    heard(one, timedelta(hours=1))
    heard(two, timedelta(hours=1))
    broadcast = write(manager, [centre], ["messenger"])
    start(broadcast, manager, django_capture_on_commit_callbacks)
    mid = broadcast.recipients.get(conversation=one).provider_message_id
    later = int((timezone.now() + timedelta(minutes=1)).timestamp() * 1000)
    events = [
        {"sender": {"id": one.external_user_id}, "recipient": {"id": "1"}, "timestamp": 1, "delivery": {"mids": [mid], "watermark": 1}},
        {"sender": {"id": two.external_user_id}, "recipient": {"id": "1"}, "timestamp": 1, "read": {"watermark": later}},
    ]
    assert post_messenger(client, {"object": "page", "entry": [{"id": "1", "time": 1, "messaging": events}]}).status_code == 200
    assert dict(broadcast.recipients.values_list("conversation__external_user_id", "status")) == {
        one.external_user_id: "delivered", two.external_user_id: "seen",
    }


# Recorded as community mobilisation -----------------------------------------------------------

def test_recorded_once_as_mobilisation_per_centre_with_reached_as_not_disclosed(manager, centre, fake_api, django_capture_on_commit_callbacks):
    other = CentreFactory(code="MKT")
    admin = member("admin", CentreFactory(code="HQ"))
    chats(centre, "telegram", 3)
    chats(other, "telegram", 2, start=3)
    chats(centre, "viber", 2)
    broadcast = write(admin, [centre, other], ["telegram", "viber"])
    start(broadcast, admin, django_capture_on_commit_callbacks)
    broadcast.recipients.filter(channel="viber").update(status="delivered")  # Viber said so
    broadcast.recipients.filter(channel="telegram", centre=other).update(status="failed")
    activities = broadcast_record_activity(broadcast=broadcast, user=admin)
    assert [(a.centre.code, a.kind, a.format, a.undisclosed_count, a.headcount_total) for a in activities] == [
        ("NDG", "mobilisation", "broadcast", 5, 5),  # 3 accepted by Telegram + 2 delivered on Viber; nobody from MKT
    ]
    with pytest.raises(ValidationError) as error:
        broadcast_record_activity(broadcast=broadcast, user=admin)
    assert ALREADY_RECORDED in str(error.value) and Activity.objects.count() == 1
