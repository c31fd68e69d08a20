"""Sending: each reply is a row with a status; a task sends it after commit and retries with backoff.

Replies to one conversation go out in the order they were written: a reply
waits while an earlier one of its conversation is still pending (sending or
waiting to retry), and the earlier one's end (sent, or failed for good) queues
the next. So a first reply retried after 30 s never lands after the answer
to the migrant's next message. Other conversations never wait: each reply is
its own task, and the ``replies`` queue runs several worker processes.

A channel outage loses nothing: a failed attempt leaves the message pending
with ``next_attempt_at``; the task is re-enqueued for then (backends that can
defer), and ``manage.py bots_send_pending`` re-enqueues anything due (run it
from cron as a safety net, and after an outage longer than the retry window).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bots.models import Conversation, InboundMessage, OutboundMessage, OutboundStatus

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


def backoff(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min, then hourly."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 4 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _enqueue(outbound_id: int, run_after=None) -> None:
    from django_tasks import default_task_backend

    from bots.tasks import send_outbound

    task = send_outbound
    if run_after is not None:
        if not default_task_backend.supports_defer:
            return  # left pending: bots_send_pending picks it up when due
        task = send_outbound.using(run_after=run_after)
    task.enqueue(outbound_id)


def outbound_queue(*, conversation: Conversation, text: str, inbound: InboundMessage | None = None, sent_by=None) -> OutboundMessage:
    """Store a reply to send and enqueue its sending once the transaction commits."""
    outbound = OutboundMessage(conversation=conversation, inbound=inbound, text=text, sent_by=sent_by)
    outbound.full_clean(exclude=["conversation", "inbound"])
    outbound.save()
    transaction.on_commit(lambda: _enqueue(outbound.pk))
    return outbound


def _sender(channel: str):
    from bots.channels import messenger, telegram, twilio, viber

    # Callers of the voice line are answered by SMS on the number they called from.
    return {"telegram": telegram.send, "viber": viber.send, "sms": twilio.send, "voice": twilio.send, "messenger": messenger.send}[channel]


def outbound_send(*, outbound_id: int, only_when_due: bool = False) -> OutboundMessage | None:
    """Make one attempt to send; record the result. Safe to run twice: only a pending row is sent.

    ``only_when_due`` (the task passes it) skips a row whose attempt is claimed or not due yet:
    a reply can be queued twice (by its own task and by the end of the reply before it).
    """
    from bots.channels import SendError

    with transaction.atomic():
        outbound = (
            OutboundMessage.objects.select_for_update().select_related("conversation").filter(pk=outbound_id).first()
        )
        if outbound is None or outbound.status != OutboundStatus.PENDING:
            return outbound
        if only_when_due and outbound.next_attempt_at is not None and outbound.next_attempt_at > timezone.now():
            return outbound  # another worker has claimed this attempt, or its retry is not due yet
        if _earlier_pending(outbound).exists():
            return outbound  # it waits its turn: the earlier reply's end queues it (``_queue_next``)
        outbound.attempts += 1
        # Claim the attempt before the network call, so a second worker does not send it too.
        outbound.next_attempt_at = timezone.now() + backoff(outbound.attempts)
        outbound.save(update_fields=["attempts", "next_attempt_at"])
    conversation = outbound.conversation
    try:
        if not conversation.subscribed:
            raise SendError("the user unsubscribed", permanent=True)
        external_id = _sender(conversation.channel)(conversation, outbound.text, from_bot=outbound.sent_by_id is None)
    except SendError as exc:
        if getattr(exc, "opted_out", False):  # a STOP we did not see (sent before this bot): the inbox shows it now
            Conversation.objects.filter(pk=conversation.pk).update(subscribed=False)
        return _failed(outbound, exc)
    OutboundMessage.objects.filter(pk=outbound.pk).update(
        status=OutboundStatus.SENT, sent_at=timezone.now(), external_id=external_id[:100], last_error="", next_attempt_at=None
    )
    outbound.refresh_from_db()
    _queue_next(outbound)
    return outbound


def _earlier_pending(outbound: OutboundMessage):
    return OutboundMessage.objects.filter(
        conversation_id=outbound.conversation_id, status=OutboundStatus.PENDING, pk__lt=outbound.pk
    )


def _queue_next(outbound: OutboundMessage) -> None:
    """This reply has ended (sent or failed for good): queue the conversation's next waiting one.

    Called after the status change is committed, so a later reply that checked
    before it either saw this one pending (and is queued here) or did not (and sent itself).
    """
    following = (
        OutboundMessage.objects.filter(conversation_id=outbound.conversation_id, status=OutboundStatus.PENDING, pk__gt=outbound.pk)
        .order_by("pk").values_list("pk", flat=True).first()
    )
    if following is not None:
        transaction.on_commit(lambda: _enqueue(following))


def _failed(outbound: OutboundMessage, exc) -> OutboundMessage:
    max_attempts = settings.BOT_SEND_MAX_ATTEMPTS
    error = str(exc)[:300]
    ended = exc.permanent or outbound.attempts >= max_attempts
    if ended:
        log.warning("bots: outbound %s failed for good after %s attempts: %s", outbound.pk, outbound.attempts, error)
        fields = {"status": OutboundStatus.FAILED, "next_attempt_at": None}
    else:
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(outbound.attempts)
        next_attempt = timezone.now() + wait
        log.info("bots: outbound %s attempt %s failed (%s); retrying at %s", outbound.pk, outbound.attempts, error, next_attempt)
        fields = {"status": OutboundStatus.PENDING, "next_attempt_at": next_attempt}
        transaction.on_commit(lambda: _enqueue(outbound.pk, run_after=next_attempt))
    OutboundMessage.objects.filter(pk=outbound.pk).update(last_error=error, **fields)
    outbound.refresh_from_db()
    if ended:
        _queue_next(outbound)
    return outbound


def outbound_retry(*, outbound: OutboundMessage) -> OutboundMessage:
    """Send a failed message again (staff pressed Retry): it gets a fresh set of attempts."""
    with transaction.atomic():
        OutboundMessage.objects.filter(pk=outbound.pk, status=OutboundStatus.FAILED).update(
            status=OutboundStatus.PENDING, attempts=0, next_attempt_at=None
        )
        transaction.on_commit(lambda: _enqueue(outbound.pk))
    outbound.refresh_from_db()
    return outbound


def outbound_enqueue_due(*, now=None) -> int:
    """Enqueue every pending message whose attempt is due; return how many."""
    ids = list(OutboundMessage.objects.due(now).values_list("pk", flat=True))
    for pk in ids:
        _enqueue(pk)
    return len(ids)


def outbound_mark(*, channel: str, external_id: str, status: str, error: str = "", user_id: str = "") -> int:
    """Record a delivery receipt (Viber delivered/seen/failed) on a reply or a broadcast; never moves a status backwards.

    ``user_id`` (Viber's receipts carry it) tells apart the receivers of one broadcast call, who share a token.
    """
    from bots.broadcasts.services import broadcast_mark

    order = [OutboundStatus.SENT, OutboundStatus.DELIVERED, OutboundStatus.SEEN]
    queryset = OutboundMessage.objects.filter(conversation__channel=channel, external_id=external_id)
    marked = broadcast_mark(channel=channel, provider_message_id=external_id, status=status, user_id=user_id, error=error)
    if status == OutboundStatus.FAILED:
        return queryset.update(status=status, last_error=error[:300]) + marked
    return queryset.filter(status__in=order[: order.index(status)]).update(status=status) + marked


def outbound_mark_until(*, channel: str, user_id: str, status: str, until) -> int:
    """Record a receipt that covers every reply sent up to a time (Messenger's delivery and read watermarks)."""
    from bots.broadcasts.services import broadcast_mark_until

    order = [OutboundStatus.SENT, OutboundStatus.DELIVERED, OutboundStatus.SEEN]
    return OutboundMessage.objects.filter(
        conversation__channel=channel, conversation__external_user_id=user_id, sent_at__lte=until,
        status__in=order[: order.index(status)],
    ).update(status=status) + broadcast_mark_until(channel=channel, user_id=user_id, status=status, until=until)
