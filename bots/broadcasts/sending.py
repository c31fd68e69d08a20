"""Sending a broadcast: small batches on the ``replies`` queue, below live replies, within each channel's rules.

One chain of batch tasks per (broadcast, channel): a batch claims its recipients, sends, records
every status, and enqueues the next batch. The tasks have a LOWER priority than live replies
(django_tasks_db's worker takes the highest priority first), so a reply queued while a broadcast
is going out is run by the next free worker, and a worker is never held longer than one batch
(``BATCH_SECONDS``: a batch on a slow channel stops after a second and puts the rest back).

- Telegram: 25 messages a batch and the next batch one second after this one started (Telegram
  allows about 30 a second per bot; the rest is left for live replies). On HTTP 429 the batch stops,
  puts the unsent recipients back in the queue and enqueues the next batch after ``retry_after``:
  no worker sleeps, nobody is lost and nobody gets it twice.
- Viber: ``broadcast_message`` with at most 300 receivers a call (one call per language); per-receiver
  failures come back in ``failed_list``.
- Messenger: the Send API per recipient, only inside the 24-hour window (checked again at sending).
- SMS: only within ``BROADCAST_SMS_BUDGET`` segments for the whole broadcast.

A backend that cannot defer a task (the immediate one of the tests and ``make run``) leaves the
rest queued; ``manage.py bots_send_pending`` enqueues it again.
"""
from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bots.broadcasts.models import Broadcast, BroadcastRecipient, BroadcastStatus, RecipientStatus, SkipReason
from bots.broadcasts.text import recipient_text
from bots.channels import SEND_TIMEOUT, SendError, messenger, telegram, twilio, viber
from bots.channels.twilio import sms_segments
from bots.models import Conversation

log = logging.getLogger(__name__)

BATCH_SIZE = {"telegram": 25, "viber": viber.BROADCAST_LIMIT, "messenger": 25, "sms": 10}
# Time between the starts of two batches of one channel (Telegram's per-bot limit).
SPACING = {"telegram": timedelta(seconds=1)}
BROADCAST_PRIORITY = -10  # live replies and webhook events have the default, 0
MAX_ATTEMPTS = 3
# A batch gives its worker back to live replies after this long, even short of 25 (a slow channel).
BATCH_SECONDS = 1.0
TRANSIENT_WAIT = timedelta(seconds=30)


def schedule_batch(broadcast_id: int, channel: str, run_after: datetime | None = None) -> bool:
    """Enqueue the next batch (at ``run_after``); False when the backend cannot defer (bots_send_pending will)."""
    from django_tasks import default_task_backend

    from bots.tasks import send_broadcast_batch

    task = send_broadcast_batch
    if run_after is not None and run_after > timezone.now():
        if not default_task_backend.supports_defer:
            return False
        task = task.using(run_after=run_after)
    task.enqueue(broadcast_id, channel)
    return True


@dataclass
class BatchResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    requeued: int = 0
    run_after: datetime | None = None
    more: bool = False


def _claim(broadcast: Broadcast, channel: str) -> list[BroadcastRecipient]:
    """Take the next queued recipients of the channel (rows another worker holds are skipped) and mark them sending."""
    rows = list(
        BroadcastRecipient.objects.select_for_update(skip_locked=True)
        .filter(broadcast=broadcast, channel=channel, status=RecipientStatus.QUEUED).order_by("pk")[: BATCH_SIZE[channel]]
    )
    BroadcastRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(
        status=RecipientStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now())
    for row in rows:
        row.status, row.attempts = RecipientStatus.SENDING, row.attempts + 1
    return rows


def _skip(row: BroadcastRecipient, reason: str) -> None:
    row.status, row.reason = RecipientStatus.SKIPPED, reason


def _check_now(broadcast: Broadcast, rows: list[BroadcastRecipient], conversations: dict[int, Conversation], now) -> None:
    """What changed since Send was pressed: a STOP, an unsubscribe, a closed Messenger window, the SMS budget."""
    from bots.broadcasts.services import last_heard_by_conversation

    heard = last_heard_by_conversation(r.conversation_id for r in rows) if rows and rows[0].channel == "messenger" else {}
    for row in rows:
        conversation = conversations[row.conversation_id]
        if not conversation.subscribed:
            _skip(row, SkipReason.UNSUBSCRIBED)
        elif conversation.broadcasts_stopped_at is not None:
            _skip(row, SkipReason.STOPPED)
        elif row.channel == "messenger" and not messenger.broadcast_window_open(heard.get(row.conversation_id), now):
            _skip(row, SkipReason.WINDOW)
        elif row.channel == "sms":
            segments = sms_segments(recipient_text(broadcast, row.language, "sms"))
            if broadcast.sms_segments + segments > settings.BROADCAST_SMS_BUDGET:
                _skip(row, SkipReason.SMS_BUDGET)
            else:
                broadcast.sms_segments += segments  # saved with the claim, under the broadcast's row lock


def _failure(row: BroadcastRecipient, exc: SendError, result: BatchResult, now) -> None:
    row.error = str(exc)[:300]
    if exc.permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = RecipientStatus.FAILED
        result.failed += 1
    else:
        row.status = RecipientStatus.QUEUED
        result.requeued += 1
        result.run_after = max(result.run_after or now, now + TRANSIENT_WAIT)


def _sent(row: BroadcastRecipient, message_id: str, result: BatchResult, now) -> None:
    row.status, row.provider_message_id, row.sent_at, row.error = RecipientStatus.SENT, message_id[:100], now, ""
    result.sent += 1


def _put_back(rows: list[BroadcastRecipient], result: BatchResult) -> None:
    """Return recipients not reached in this batch to the queue as they were (this attempt not counted)."""
    for row in rows:
        row.status, row.attempts = RecipientStatus.QUEUED, row.attempts - 1
        result.requeued += 1


def _rate_limited(rows: list[BroadcastRecipient], result: BatchResult, now) -> None:
    """The channel said "too many" (``result.run_after`` holds its retry_after): the rest waits for then."""
    _put_back(rows, result)


def _send_one_by_one(broadcast, rows, conversations, result: BatchResult, photo_url: str, now) -> None:
    with httpx.Client(timeout=SEND_TIMEOUT) as client:  # one connection for the batch, not a handshake per message
        send = {
            "telegram": lambda c, text: telegram.broadcast_send(c.external_user_id, text, photo_url=photo_url, client=client),
            "messenger": lambda c, text: messenger.broadcast_send(c.external_user_id, text, photo_url=photo_url, client=client),
            "sms": lambda c, text: twilio.send(c, text),
        }
        began = time.monotonic()
        for index, row in enumerate(rows):
            if index and time.monotonic() - began > BATCH_SECONDS:
                _put_back(rows[index:], result)  # the worker has been away from live replies long enough
                return
            if not _send_row(broadcast, row, conversations[row.conversation_id], send, result, now):
                _rate_limited(rows[index:], result, now)
                return


def _send_row(broadcast, row, conversation, send, result: BatchResult, now) -> bool:
    """Send to one recipient and record it; False when the channel says "too many" (the batch stops)."""
    try:
        message_id = send[row.channel](conversation, recipient_text(broadcast, row.language, row.channel))
    except SendError as exc:
        if exc.retry_after and not exc.permanent:
            result.run_after = max(result.run_after or now, timezone.now() + timedelta(seconds=int(exc.retry_after)))
            log.info("bots: broadcast %s rate-limited on %s: waiting %s s", broadcast.pk, row.channel, exc.retry_after)
            return False
        if getattr(exc, "opted_out", False):  # Twilio 21610: an SMS STOP we did not see
            Conversation.objects.filter(pk=conversation.pk).update(subscribed=False)
        _failure(row, exc, result, now)
        return True
    _sent(row, message_id, result, now)
    return True


def _send_viber(broadcast, rows, conversations, result: BatchResult, photo_url: str, now) -> None:
    by_text = defaultdict(list)
    for row in rows:
        by_text[recipient_text(broadcast, row.language, "viber")].append(row)
    groups = list(by_text.items())
    for index, (text, group) in enumerate(groups):
        receivers = [conversations[r.conversation_id].external_user_id for r in group]
        try:
            token, failed = viber.broadcast(receivers, text, photo_url=photo_url)
        except SendError as exc:
            if exc.retry_after and not exc.permanent:
                result.run_after = max(result.run_after or now, timezone.now() + timedelta(seconds=int(exc.retry_after)))
                _rate_limited([r for _text, g in groups[index:] for r in g], result, now)
                return
            for row in group:
                _failure(row, exc, result, now)
            continue
        for row, receiver in zip(group, receivers, strict=True):
            if receiver in failed:
                row.status, row.error = RecipientStatus.FAILED, failed[receiver]
                result.failed += 1
            else:
                _sent(row, token, result, now)


PHOTO_SALT = "bots.broadcast-photo"


def photo_token(broadcast: Broadcast) -> str:
    from django.core import signing

    return signing.dumps(broadcast.pk, salt=PHOTO_SALT)


def photo_url(broadcast: Broadcast) -> str:
    """The photo's signed public address, for channels that fetch media by URL; "" without a photo or public URL."""
    if not broadcast.photo or not settings.BOT_PUBLIC_URL:
        return ""
    from django.urls import reverse

    return f"{settings.BOT_PUBLIC_URL.rstrip('/')}{reverse('bots:broadcast_photo', args=[photo_token(broadcast)])}"


def broadcast_send_batch(*, broadcast_id: int, channel: str) -> BatchResult:
    """Send one batch of a channel's queued recipients, record each status, and enqueue the next batch."""
    started = timezone.now()
    result = BatchResult()
    with transaction.atomic():
        broadcast = Broadcast.objects.select_for_update().filter(pk=broadcast_id, status=BroadcastStatus.SENDING).first()
        if broadcast is None:
            return result
        rows = _claim(broadcast, channel)
        conversations = Conversation.objects.in_bulk([r.conversation_id for r in rows])
        _check_now(broadcast, rows, conversations, started)
        skipped = [r for r in rows if r.status == RecipientStatus.SKIPPED]
        result.skipped = len(skipped)
        if skipped:
            BroadcastRecipient.objects.bulk_update(skipped, ["status", "reason"])
        if channel == "sms":
            Broadcast.objects.filter(pk=broadcast.pk).update(sms_segments=broadcast.sms_segments)
    to_send = [r for r in rows if r.status == RecipientStatus.SENDING]
    url = photo_url(broadcast)
    if to_send:
        if channel == "viber":
            _send_viber(broadcast, to_send, conversations, result, url, started)
        else:
            _send_one_by_one(broadcast, to_send, conversations, result, url, started)
        BroadcastRecipient.objects.bulk_update(to_send, ["status", "attempts", "error", "provider_message_id", "sent_at"])
    _next(broadcast, channel, result, started)
    return result


def _next(broadcast: Broadcast, channel: str, result: BatchResult, started: datetime) -> None:
    """Enqueue the channel's next batch, or close the broadcast when no channel has anyone left to send to."""
    result.more = BroadcastRecipient.objects.filter(broadcast=broadcast, channel=channel, status=RecipientStatus.QUEUED).exists()
    if result.more:
        spacing = SPACING.get(channel)
        run_after = max(filter(None, [result.run_after, started + spacing if spacing else None]), default=None)
        result.run_after = run_after
        transaction.on_commit(lambda: schedule_batch(broadcast.pk, channel, run_after))
        return
    close_if_finished(broadcast.pk)


def close_if_finished(broadcast_id: int) -> bool:
    """Mark the broadcast sent when no recipient is queued or being sent any more."""
    open_rows = BroadcastRecipient.objects.filter(broadcast_id=broadcast_id, status__in=(RecipientStatus.QUEUED, RecipientStatus.SENDING))
    if open_rows.exists():
        return False
    Broadcast.objects.filter(pk=broadcast_id, status=BroadcastStatus.SENDING).update(status=BroadcastStatus.DONE, finished_at=timezone.now())
    return True


LOST = "The worker stopped while sending this batch; not sent again, so that nobody gets it twice."


STALLED_AFTER = timedelta(minutes=10)


def broadcast_enqueue_due(*, now: datetime | None = None) -> int:
    """Enqueue a batch for every channel of a sending broadcast whose chain of batches has stalled (an outage, a lost task).

    A channel that sent anything in the last ten minutes still has its chain (a batch waiting for its
    turn or for a ``retry_after``): a second chain would double its rate, so it is left alone.
    """
    now = now or timezone.now()
    # A batch's rows still "being sent" long after it took them: its worker died mid-call. Whether the channel
    # got them is unknown; they are recorded as failed rather than sent a second time.
    lost = BroadcastRecipient.objects.filter(status=RecipientStatus.SENDING, claimed_at__lt=now - STALLED_AFTER)
    for broadcast_id in set(lost.values_list("broadcast_id", flat=True)):
        lost.filter(broadcast_id=broadcast_id).update(status=RecipientStatus.FAILED, error=LOST)
        close_if_finished(broadcast_id)
    queued = set(
        BroadcastRecipient.objects.filter(
            broadcast__status=BroadcastStatus.SENDING, broadcast__sent_at__lt=now - STALLED_AFTER, status=RecipientStatus.QUEUED,
        ).values_list("broadcast_id", "channel").distinct()
    )
    busy = set(
        BroadcastRecipient.objects.filter(broadcast__status=BroadcastStatus.SENDING, sent_at__gte=now - STALLED_AFTER)
        .values_list("broadcast_id", "channel").distinct()
    )
    pairs = queued - busy
    for broadcast_id, channel in sorted(pairs):
        schedule_batch(broadcast_id, channel)
    return len(pairs)
