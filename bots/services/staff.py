"""What staff do from the inbox: reply through the same channel, close a hand-over or a call-back."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bots.channels import messenger
from bots.models import Attention, BotChannel, CallbackRequest, Conversation, OutboundMessage
from bots.services.outbound import outbound_queue
from helpdesk.text import normalize_text

REPLY_EMPTY = _("Write a reply first.")
REPLY_TOO_LONG = _("A reply can be at most 4000 characters.")
REPLY_UNSUBSCRIBED = _("This person has unsubscribed from the bot; the channel does not let us write to them.")
REPLY_MESSENGER_CLOSED = _(
    "Messenger allows no message now: call the migrant. (Meta lets a page answer only within 24 hours of the person's "
    "last message, or 7 days for staff replies when Meta approved the Human Agent feature.)"
)


@transaction.atomic
def conversation_reply(*, conversation: Conversation, text: str, staff) -> OutboundMessage:
    """Send a staff reply through the conversation's channel (queued; sent after commit)."""
    text = normalize_text(text)
    if not text:
        raise ValidationError({"text": REPLY_EMPTY})
    if len(text) > 4000:
        raise ValidationError({"text": REPLY_TOO_LONG})
    if not conversation.subscribed:
        raise ValidationError({"text": REPLY_UNSUBSCRIBED})
    if conversation.channel == BotChannel.MESSENGER and not messenger.may_send(conversation, from_bot=False):
        raise ValidationError({"text": REPLY_MESSENGER_CLOSED})
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.state.get("step") != "handover":
        # The migrant's next message goes to staff, not to the bot's current question.
        conversation.state = {**conversation.state, "step": "handover", "data": {}}
    conversation.last_message_at = timezone.now()
    conversation.save(update_fields=["state", "last_message_at"])
    return outbound_queue(conversation=conversation, text=text, sent_by=staff)


@transaction.atomic
def conversation_resolve(*, conversation: Conversation, staff) -> Conversation:
    """Close the hand-over and open call-backs; the bot answers the migrant again."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    for callback in CallbackRequest.objects.filter(conversation=conversation, done_at__isnull=True):
        callback.done_at, callback.done_by = timezone.now(), staff
        callback.save(update_fields=["done_at", "done_by"])  # one history row each
    conversation.attention = Attention.NONE
    conversation.attention_since = None
    if conversation.state.get("step") == "handover":
        conversation.state = {**conversation.state, "step": "menu", "data": {}}
    conversation.save()
    return conversation
