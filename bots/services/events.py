"""Webhooks that only store (issue 13): the request stores the event; a worker runs the conversation.

The request does the least a retried, verified webhook needs: one
``INSERT … ON CONFLICT DO NOTHING`` for the event and, when it is new, the row
of the task that processes it, atomically (on PostgreSQL one statement and one
commit: ``bots.services.event_sql``). A replay conflicts, inserts nothing and
queues nothing.

Why a task per event rather than a worker polling unprocessed rows: the
``replies`` queue already has workers (``db_worker --queue-name replies``), so
there is no second kind of process to run, and the benchmark shows the second
INSERT keeps the webhook above half a bare view's requests/s (BENCHMARKS.md).
Order per conversation does not depend on the order the tasks run in: each task
locks the conversation and processes *every* unprocessed event of that sender
in the order they arrived, so a task that finds its event already done does nothing.

Channels that must answer in the HTTP response (Twilio SMS and voice TwiML,
Viber's welcome for ``conversation_started``) still use ``inbound_receive``.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bots.channels import AttachmentRef, clean_payload
from bots.models import InboundMessage
from bots.services.event_sql import insert_event
from bots.services.inbound import conversation_for, inbound_run
from bots.services.outbound import outbound_queue

log = logging.getLogger(__name__)


def inbound_store(
    *,
    channel: str,
    external_id: str,
    user_id: str | None,
    payload: dict,
    text: str = "",
    kind: str = "message",
    display_name: str = "",
    converse: bool = True,
) -> bool:
    """Store a verified webhook event once and queue its processing; False for a replay (nothing changes).

    The webhook view of every channel that answers through its API calls this and
    returns 200 at once. ``converse`` says whether the engine answers the event
    (a message, a button); other events (an edit, subscribed) are only recorded.
    An event with no user (a Telegram group) is stored as processed: nothing to run.
    """
    from bots.tasks import process_inbound

    external_id, text, display_name, payload = clean_payload([str(external_id)[:100], text, display_name, payload])
    user_id = clean_payload(str(user_id))[:100] if user_id else ""
    inbound = InboundMessage(
        channel=channel, external_id=external_id, payload=payload, text=text[:10000], kind=kind,
        sender=user_id, sender_name=display_name[:200], converse=converse,
        processed_at=None if user_id else timezone.now(),
    )
    inbound_id = insert_event(inbound, task=process_inbound if user_id else None)
    if inbound_id is None:
        log.info("bots: replayed %s %s ignored: already stored", channel, external_id)
    return inbound_id is not None


def inbound_process(*, inbound_id: int) -> int:
    """Run the conversation for a stored event and every earlier unprocessed one of its sender, in order.

    Return how many events this call processed (0 when another task already did).
    An event that fails is kept with its payload, marked ``error`` and not run
    again (as a webhook failure is); the conversation goes on with the next one.
    """
    head = InboundMessage.objects.filter(pk=inbound_id, processed_at__isnull=True).values_list("channel", "sender", "sender_name").first()
    if head is None:
        return 0  # processed already (by the task of an earlier event of the same sender), or gone
    channel, sender, sender_name = head
    done = 0
    with transaction.atomic():
        # The conversation's row lock serialises the tasks of one sender: whichever runs first takes all.
        conversation = conversation_for(channel=channel, user_id=sender, display_name=sender_name)
        pending = InboundMessage.objects.filter(channel=channel, sender=sender, processed_at__isnull=True).order_by("id")
        for inbound in pending:
            try:
                with transaction.atomic():
                    _process_one(inbound, conversation)
            except Exception:
                log.exception("bots: %s %s could not be processed; payload kept for review", channel, inbound.external_id)
                conversation.refresh_from_db()
                InboundMessage.objects.filter(pk=inbound.pk).update(kind="error", conversation=conversation, processed_at=timezone.now())
            done += 1
    return done


def _process_one(inbound: InboundMessage, conversation) -> None:
    if inbound.sender_name and conversation.display_name != inbound.sender_name:
        conversation.display_name = inbound.sender_name
    attachments = stored_attachments(inbound) if inbound.converse else ()
    replies = inbound_run(inbound, conversation, text=inbound.text, kind=inbound.kind, converse=inbound.converse, attachments=attachments)
    for reply in replies:
        outbound_queue(conversation=conversation, text=reply, inbound=inbound)
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["conversation", "text", "processed_at"])


def stored_attachments(inbound: InboundMessage) -> tuple[AttachmentRef, ...]:
    """Describe the files of a stored event again from its payload: the webhook stores one row, nothing more."""
    from bots.channels import messenger, telegram, viber

    parse = {"telegram": telegram.parse, "viber": viber.parse, "messenger": messenger.parse_event}.get(inbound.channel)
    if parse is None or not inbound.payload:
        return ()
    try:
        return tuple(parse(inbound.payload).attachments)
    except (ValueError, KeyError, TypeError, AttributeError):
        log.warning("bots: %s %s: attachments could not be read again from the stored payload", inbound.channel, inbound.external_id)
        return ()


def inbound_enqueue_unprocessed(*, older_than_seconds: int = 60) -> int:
    """Queue processing for stored events nobody processed (a lost task); return how many senders."""
    from bots.tasks import process_inbound

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    firsts = (
        InboundMessage.objects.filter(processed_at__isnull=True, received_at__lt=cutoff).exclude(sender="")
        .order_by("channel", "sender", "id").values_list("channel", "sender", "id")
    )
    seen: set[tuple[str, str]] = set()
    for channel, sender, pk in firsts:
        if (channel, sender) not in seen:
            seen.add((channel, sender))
            process_inbound.enqueue(pk)
    return len(seen)
