"""What staff do from the inbox: reply through the same channel, close a hand-over or a call-back."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bots.channels import messenger
from bots.conversation import messages as m
from bots.conversation.handover import pause_for_staff, resume
from bots.models import Attention, BotChannel, CallbackRequest, Conversation, OutboundMessage
from bots.services.effects import DatabaseEffects
from bots.services.outbound import outbound_queue
from helpdesk.text import normalize_text

REPLY_EMPTY = _("Write a reply first.")
REPLY_TOO_LONG = _("A reply can be at most 4000 characters.")
REPLY_UNSUBSCRIBED = _("This person has unsubscribed from the bot; the channel does not let us write to them.")
REPLY_MESSENGER_CLOSED = _(
    "Messenger allows no message now: call the migrant. (Meta lets a page answer only within 24 hours of the person's "
    "last message, or 7 days for staff replies when Meta approved the Human Agent feature.)"
)
REPLY_HIDDEN_NUMBER = _("The caller hid their number: no reply can reach them.")
REPLY_SMS_STOP = _(
    "This person texted STOP: the carrier blocks every SMS to them until they text START. Call them instead."
)


@transaction.atomic
def conversation_reply(*, conversation: Conversation, text: str, staff) -> OutboundMessage:
    """Send a staff reply through the conversation's channel (queued; sent after commit).

    The first reply takes over from the bot: the flow in progress (a half-told complaint) is kept
    for when staff hand back, the migrant is told a person now answers, and the conversation stays
    among those needing staff until someone marks it handled.
    """
    text = normalize_text(text)
    if not text:
        raise ValidationError({"text": REPLY_EMPTY})
    if len(text) > 4000:
        raise ValidationError({"text": REPLY_TOO_LONG})
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.external_user_id.startswith("hidden:"):
        raise ValidationError({"text": REPLY_HIDDEN_NUMBER})
    if conversation.sms_opted_out:
        raise ValidationError({"text": REPLY_SMS_STOP})
    if not conversation.subscribed:
        raise ValidationError({"text": REPLY_UNSUBSCRIBED})
    if conversation.channel == BotChannel.MESSENGER and not messenger.may_send(conversation, from_bot=False):
        raise ValidationError({"text": REPLY_MESSENGER_CLOSED})
    taking_over = conversation.state.get("step") != "handover"
    if taking_over:
        conversation.state = pause_for_staff(conversation.state)
    if not conversation.attention:
        conversation.attention, conversation.attention_since = Attention.STAFF, timezone.now()
    conversation.last_message_at = timezone.now()
    conversation.save()  # the history shows who took over
    # The bot's notice goes only where the channel lets the bot write (Messenger's 24 hours); the reply may go later.
    bot_may_write = conversation.channel != BotChannel.MESSENGER or messenger.may_send(conversation, from_bot=True)
    if taking_over and bot_may_write:
        notice = m.render(m.wording(m.STAFF_ANSWERING, conversation.channel), conversation.state.get("lang"))
        outbound_queue(conversation=conversation, text=notice)
    return outbound_queue(conversation=conversation, text=text, sent_by=staff)


@transaction.atomic
def conversation_resolve(*, conversation: Conversation, staff) -> Conversation:
    """Close the hand-over and open call-backs; the bot answers the migrant again where their flow was."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    for callback in CallbackRequest.objects.filter(conversation=conversation, done_at__isnull=True):
        callback.done_at, callback.done_by = timezone.now(), staff
        callback.save(update_fields=["done_at", "done_by"])  # one history row each
    conversation.attention = Attention.NONE
    conversation.attention_since = None
    turn = resume(conversation.state, DatabaseEffects(conversation), channel=conversation.channel)
    conversation.state = turn.state
    conversation.save()
    if turn.replies and conversation.subscribed:
        outbound_queue(conversation=conversation, text="\n\n".join(turn.replies))
    return conversation
