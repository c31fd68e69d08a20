"""The Twilio voice line: one keypress asks the centre to call back the number that called."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bots.models import Attention, CallbackRequest, Conversation
from helpdesk.text import parse_phone

# What Twilio sends as From when the caller withholds their number: the words, or the numbers Twilio
# substitutes for them (+266696687 "anonymous", +86282452253 "unknown", +7378742833 "restricted",
# +2562533 "blocked", +8656696 "unavailable").
HIDDEN_CALLER_IDS = frozenset({
    "", "anonymous", "restricted", "unknown", "unavailable", "blocked", "private", "withheld",
    "+266696687", "+86282452253", "+7378742833", "+2562533", "+8656696",
})
REPEAT_CALL_WINDOW = timedelta(days=1)


def voice_caller_id(*, caller: str, call_sid: str) -> str:
    """The conversation key of a call: the caller's number, or one conversation per call when it is hidden.

    Hidden callers are strangers to each other: sharing one "Anonymous" conversation would mix their
    transcripts and count them as one helpline contact.
    """
    caller = (caller or "").strip()
    if caller.casefold() in HIDDEN_CALLER_IDS:
        return f"hidden:{call_sid}"
    return caller


def voice_request_callback(*, conversation: Conversation, language: str) -> CallbackRequest | None:
    """Record a call-back to the caller's number; None when the number is hidden or invalid.

    A repeat call within a day updates the open request (its history shows each call) rather than
    adding another one for staff to work through.
    """
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
    open_request = (
        CallbackRequest.objects.filter(
            conversation=conversation, done_at__isnull=True, created_at__gte=timezone.now() - REPEAT_CALL_WINDOW
        ).order_by("-created_at").first()
    )
    if open_request is not None:
        open_request.phone, open_request.centre = phone, conversation.centre
        open_request.person = open_request.person or conversation.person
        open_request._change_reason = "repeat call"
        open_request.save()
        return open_request
    return CallbackRequest.objects.create(
        conversation=conversation, centre=conversation.centre, person=conversation.person, phone=phone
    )
