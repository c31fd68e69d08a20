"""The Twilio voice line: one keypress asks the centre to call back the number that called."""
from __future__ import annotations

from django.utils import timezone

from bots.models import Attention, CallbackRequest, Conversation
from helpdesk.text import parse_phone


def voice_request_callback(*, conversation: Conversation, language: str) -> CallbackRequest | None:
    """Record a call-back to the caller's number; None when the number is hidden or invalid."""
    try:
        phone = parse_phone(conversation.external_user_id)
    except ValueError:
        return None
    if conversation.centre is None:
        return None
    conversation.language = conversation.language or language
    conversation.state = {**conversation.state, "lang": conversation.state.get("lang") or language}
    conversation.attention = Attention.CALLBACK
    conversation.attention_since = conversation.attention_since or timezone.now()
    return CallbackRequest.objects.create(
        conversation=conversation, centre=conversation.centre, person=conversation.person, phone=phone
    )
