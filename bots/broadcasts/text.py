"""What a recipient reads: the broadcast in their language, and how to stop broadcasts (their channel's way)."""
from __future__ import annotations

from bots.conversation import messages as m


def recipient_text(broadcast, language: str, channel: str) -> str:
    """The message in the conversation's language (English when there is no Burmese) and the stop line.

    SMS gets the carrier's short "STOP to opt out" (the carrier acts on STOP); the chat apps say
    "reply STOP", which the bot reads outside any flow as "no more broadcasts".
    """
    footer = m.SMS_BROADCAST_FOOTER if channel == "sms" else m.BROADCAST_FOOTER
    return f"{broadcast.text_for(language)}\n\n{m.render(footer, language if language in ('my', 'en') else None)}"
