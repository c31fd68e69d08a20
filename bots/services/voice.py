"""The Twilio voice line: one keypress asks the centre to call back the number that called."""
from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from bots.models import Attention, CallbackRequest, Conversation
from helpdesk.text import parse_phone

# What Twilio sends as From when the caller withholds their number: words, or the stand-in numbers of
# Twilio's "Why am I getting calls from these strange numbers" article (+266696687 anonymous,
# +7378742833 restricted (also seen as +7378742883 and +17378742833), +2562533 blocked, +8656696 unknown,
# +86282452253 unavailable, +464). Compared on digits, so "+266696687" and "266696687" both match.
HIDDEN_CALLER_WORDS = frozenset({"", "anonymous", "restricted", "unknown", "unavailable", "blocked", "private", "withheld"})
HIDDEN_CALLER_DIGITS = frozenset({
    "266696687", "7378742833", "7378742883", "17378742833", "2562533", "8656696", "86282452253", "464",
})
REPEAT_CALL_WINDOW = timedelta(days=1)


def voice_caller_id(*, caller: str, call_sid: str) -> str:
    """The conversation key of a call: the caller's number, or one conversation per call when it is hidden.

    Hidden callers are strangers to each other: sharing one "Anonymous" conversation would mix their
    transcripts and count them as one helpline contact.
    """
    caller = (caller or "").strip()
    if caller.casefold() in HIDDEN_CALLER_WORDS or re.sub(r"\D", "", caller) in HIDDEN_CALLER_DIGITS:
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
