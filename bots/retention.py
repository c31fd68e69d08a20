"""The bots' kinds of personal data for ``apply_retention`` (registered in ``BotsConfig.ready``).

The rule staff rely on (docs/personal-data.md): a conversation that still
needs staff (a hand-over or call-back waiting, or a linked case still open)
keeps its transcript, replies and channel id whatever its age; a conversation
marked sensitive keeps them for ``RETENTION_SENSITIVE_DAYS`` instead of the
ordinary period. Raw payloads go after ``RETENTION_PAYLOAD_DAYS`` everywhere:
staff read the transcript, not the payload. The (channel, external id) pair
that stops a replayed webhook being processed twice is never blanked.

Every kind is a few bulk UPDATEs: no row is loaded into Python (attachment files are the one
exception: the storage API deletes them one by one, reading only their names).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Concat

from bots.channels.twilio import messaging_twiml
from bots.models import (
    Attachment,
    AttachmentStatus,
    CallbackRequest,
    Conversation,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
)
from complaints.choices import OPEN_STAGES
from helpdesk.retention import retention_cutoff

ERASED_PREFIX = "erased:"  # + the conversation's id: stays unique per channel, never a real chat id or phone


def _still_needed() -> QuerySet:
    """Conversations staff still work on: waiting for them, or linked to an open case."""
    return Conversation.objects.filter(Q(attention__gt="") | Q(complaints__stage__in=OPEN_STAGES)).values("pk")


def _older(field: str, cutoff: dt.datetime, today: dt.date, via: str = "conversation") -> Q:
    """Older than the ordinary cutoff, or than the sensitive one in sensitive conversations.

    Messages test their conversation with ``conversation__in`` (a subquery, no join), so the
    UPDATE stays a single statement instead of Django's ``id IN (SELECT ...)`` over a join.
    """
    sensitive_cutoff = retention_cutoff(days=settings.RETENTION_SENSITIVE_DAYS, today=today)
    if not via:
        return Q(sensitive=False, **{f"{field}__lt": cutoff}) | Q(sensitive=True, **{f"{field}__lt": sensitive_cutoff})
    sensitive = Conversation.objects.filter(sensitive=True).values("pk")
    return (Q(**{f"{field}__lt": cutoff}) & ~Q(**{f"{via}__in": sensitive})) | Q(**{f"{field}__lt": sensitive_cutoff, f"{via}__in": sensitive})


def forget_payloads(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Blank raw payloads and stored webhook answers (a TwiML answer repeats the reply)."""
    empty_twiml = messaging_twiml([])
    # The sender's id and name are copies from the payload the worker needed: they go with it once processed.
    old = InboundMessage.objects.filter(received_at__lt=cutoff).exclude(
        payload={}, response_body__in=("", empty_twiml), sender="", sender_name=""
    )
    if dry_run:
        return old.count()
    answer = Case(When(channel__in=("sms", "voice"), then=Value(empty_twiml)), default=Value(""), output_field=TextField())
    return old.update(payload={}, response_body=answer, sender="", sender_name="")


def forget_transcripts(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Blank what migrants wrote in handled conversations, and the conversation's last text and flow answers."""
    needed = _still_needed()
    messages = InboundMessage.objects.filter(_older("received_at", cutoff, today)).exclude(text="")
    messages = messages.exclude(conversation__in=needed)
    if dry_run:
        return messages.count()
    conversations = Conversation.objects.filter(_older("last_message_at", cutoff, today, via="")).exclude(pk__in=needed)
    conversations.exclude(last_message_text="", state={}).update(last_message_text="", state={})
    return messages.update(text="")


def forget_outbound(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Blank the texts sent in handled conversations (a message still waiting to go is kept)."""
    messages = OutboundMessage.objects.filter(_older("created_at", cutoff, today)).exclude(text="")
    messages = messages.exclude(status=OutboundStatus.PENDING).exclude(conversation__in=_still_needed())
    return messages.count() if dry_run else messages.update(text="")


def forget_channel_ids(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Replace the chat id or phone and the channel name of old conversations that never had a case.

    Their history rows get the same replacement. If the migrant writes again,
    a new conversation starts: the old one no longer knows who it was.
    """
    conversations = Conversation.objects.filter(_older("last_message_at", cutoff, today, via=""), attention="", complaints__isnull=True)
    conversations = conversations.exclude(external_user_id__startswith=ERASED_PREFIX)
    if dry_run:
        return conversations.count()
    erased_id = Concat(Value(ERASED_PREFIX), Cast("id", CharField()), output_field=CharField())
    # History first: the subquery still finds the conversations by their old ids.
    Conversation.history.filter(id__in=conversations.values("pk")).update(external_user_id=erased_id, display_name="")
    return conversations.update(external_user_id=erased_id, display_name="", subscribed=False)


def forget_callbacks(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Blank the name and phone of call-back requests called back before the cutoff, history included.

    A request not yet called back keeps them whatever its age: staff still have to call.
    """
    done = CallbackRequest.objects.filter(done_at__lt=cutoff).exclude(name="", phone="")
    if dry_run:
        return done.count()
    CallbackRequest.history.filter(id__in=done.values("pk")).update(name="", phone="")
    return done.update(name="", phone="")


def forget_attachment_files(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Delete the files (and places) migrants sent in handled conversations, unless staff made them case evidence.

    Evidence stays with its case: erasing the person (helpdesk's erasure) is what removes it.
    """
    old = Attachment.objects.filter(_older("received_at", cutoff, today), status=AttachmentStatus.STORED)
    old = old.exclude(conversation__in=_still_needed()).exclude(evidence__isnull=False)
    if dry_run:
        return old.count()
    storage = Attachment._meta.get_field("file").storage
    for name in old.exclude(file="").values_list("file", flat=True).iterator():
        storage.delete(name)
    return old.update(status=AttachmentStatus.DELETED, file="", latitude=None, longitude=None, file_ref="")
