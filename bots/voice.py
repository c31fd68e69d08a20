"""The Twilio voice menu: press 1 (Burmese) or 2 (English) to be called back.

Twilio has no Burmese text-to-speech voice, so the spoken menu is English;
set ``BOT_VOICE_PROMPT_MY_URL`` to a recording of the same menu in Burmese
(an mp3 the centre records) and it is played first.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from twilio.twiml.voice_response import VoiceResponse

from bots.services.inbound import conversation_log_contact
from bots.services.voice import voice_request_callback

VOICE_MENU = _(
    "Welcome to the migrant centre helpline. To ask the centre to call you back in Burmese, press 1. "
    "For a call back in English, press 2."
)
VOICE_THANKS = _("Thank you. Staff of the migrant centre will call you back on this number, usually within one working day. Goodbye.")
VOICE_HIDDEN = _("Your number is hidden, so we cannot call you back. Please call again without hiding your number, or send us an SMS. Goodbye.")
VOICE_NO_INPUT = _("We did not hear a choice. Goodbye.")
LANGUAGE_BY_DIGIT = {"1": "my", "2": "en"}


def _english(message) -> str:
    with override("en"):
        return str(message)


def voice_handler(digits: str) -> Callable:
    """Return the inbound handler for one step of the call."""

    def handle(conversation) -> list[str]:
        conversation_log_contact(conversation)
        language = LANGUAGE_BY_DIGIT.get(digits)
        if language is None:
            return []
        callback = voice_request_callback(conversation=conversation, language=language)
        return [_english(VOICE_THANKS if callback else VOICE_HIDDEN)]

    return handle


def voice_answer(digits: str, action: str) -> Callable[[list[str]], str]:
    """Return the TwiML renderer: the menu in a <Gather>, or the final sentence and hang up."""

    def answer(replies: list[str]) -> str:
        response = VoiceResponse()
        if replies:
            for reply in replies:
                response.say(reply, language="en-US")
            response.hangup()
            return str(response)
        gather = response.gather(num_digits=1, action=action, method="POST", timeout=8)
        if settings.BOT_VOICE_PROMPT_MY_URL:
            gather.play(settings.BOT_VOICE_PROMPT_MY_URL)
        gather.say(_english(VOICE_MENU), language="en-US")
        response.say(_english(VOICE_NO_INPUT), language="en-US")
        response.hangup()
        return str(response)

    return answer
