"""Reading what a migrant typed: encoding, keywords in both languages, menu numbers."""
from __future__ import annotations

import re

from helpdesk.text import digits_to_ascii, guess_encoding, has_burmese, normalize_text, zawgyi_to_unicode

MENU_WORDS = {"menu", "/menu", "/start", "start", "main menu", "မီနူး", "မာတိကာ", "ပင်မ"}
# Greetings open the menu from the menu, but are passed on to staff during a hand-over.
GREETINGS = {"hi", "hello", "hey", "မင်္ဂလာပါ", "မင်္ဂလာပါခင်ဗျာ", "မင်္ဂလာပါရှင်"}
BACK_WORDS = {"back", "/back", "previous", "နောက်", "နောက်သို့", "နောက်ပြန်", "ပြန်", "ပြန်သွား"}
STOP_WORDS = {"stop", "/stop", "quit", "cancel", "end", "ရပ်", "ရပ်ပါ", "ရပ်မည်", "ထွက်", "ပယ်ဖျက်"}
# Broadcasts: these always stop (or restart) them, inside a flow too; a plain "stop" does only outside a flow.
BROADCAST_STOP_WORDS = {"unsubscribe", "/unsubscribe", "stop news", "stop messages", "stop broadcasts", "သတင်းမပို့ပါနဲ့", "မပို့ပါနဲ့", "မပို့နဲ့"}
BROADCAST_START_WORDS = {"subscribe", "/subscribe", "start news", "သတင်းပို့ပါ", "ပြန်ပို့ပါ"}
LANGUAGE_WORDS = {"language", "/language", "ဘာသာစကား", "ဘာသာ"}
SKIP_WORDS = {"-", "skip", "no", "none", "မသိ", "မရှိ", "ကျော်"}
BURMESE_WORDS = {"burmese", "myanmar", "မြန်မာ", "မြန်မာဘာသာ", "ဗမာ"}
ENGLISH_WORDS = {"english", "eng", "အင်္ဂလိပ်"}
THAI_WORDS = {"thai", "thailand", "ထိုင်း"}
NO_WORDS = {"no", "n", "မဟုတ်", "မဟုတ်ဘူး", "မဟုတ်ပါ"}
# Twilio's SMS keywords (whole message, any case), acted on by the carrier before our webhook sees them.
CARRIER_OPT_OUT = {"stop", "stopall", "unsubscribe", "end", "quit", "revoke", "optout", "cancel"}
CARRIER_OPT_IN = {"start", "yes", "unstop"}
CARRIER_HELP = {"help", "info"}
# On SMS the bot's own words: "0" or menu, back, and the Burmese ones; never a carrier keyword.
SMS_MENU_WORDS = {"0", "၀"}
YES_WORDS = {"yes", "y", "ok", "send", "ဟုတ်", "ဟုတ်ကဲ့", "ပို့မည်", "ပို့"}
# Answers to the consent question, besides 1 / 2 and the yes and no words.
AGREE_WORDS = {"agree", "i agree", "သဘောတူ", "သဘောတူသည်", "သဘောတူပါတယ်", "သဘောတူပါသည်", "ရပါတယ်"}
DISAGREE_WORDS = {"disagree", "do not agree", "don't agree", "no thanks", "သဘောမတူ", "သဘောမတူပါ", "သဘောမတူပါဘူး", "မလို", "မလိုပါ"}


def read(text: str | None, *, zawgyi_known: bool) -> tuple[str, str | None, bool]:
    """Return (Unicode text, encoding decided, writer shown to use Zawgyi).

    The encoding is "zawgyi", "unicode" or None (no Burmese); pass it on as
    ``encoding_hint`` to anything that normalises the raw text again.
    """
    raw = (text or "").strip()
    if not has_burmese(raw):
        return normalize_text(raw), None, zawgyi_known
    # The conversation's memory is the "strong evidence" that lets well-formed
    # Unicode-looking text (မြမြ is also Zawgyi for မွမွ) be converted; a message
    # that proves its encoding by itself updates the memory (a new phone).
    guess = guess_encoding(raw, hint="zawgyi" if zawgyi_known else None)
    if guess.sure:
        zawgyi_known = guess.encoding == "zawgyi"
    unicode_text = zawgyi_to_unicode(raw) if guess.encoding == "zawgyi" else normalize_text(raw, encoding_hint="unicode")
    return unicode_text, guess.encoding, zawgyi_known


def sure_encoding(raw: str, *, zawgyi_known: bool) -> str | None:
    """Return the encoding of Burmese text when the text itself (with the writer's known Zawgyi) settles it, else None."""
    guess = guess_encoding(raw, hint="zawgyi" if zawgyi_known else None)
    return guess.encoding if guess.sure else None


def start_parameter(text: str) -> str:
    """Return the deep-link parameter of "/start NDG" (a centre's poster link), else ""."""
    parts = text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 and parts[0].casefold() == "/start" else ""


def keyword(text: str, *, channel: str = "", step: str = "") -> str | None:
    """Return "menu", "back", "stop" or "language" when the whole message is one of those words.

    On SMS "0" is the menu (except as the answer to the amount question) and the English stop
    words are the carrier's, not ours: they never reach here.
    """
    if start_parameter(text):
        return "menu"
    word = text.strip().casefold().rstrip(".!")
    if channel == "sms" and word in SMS_MENU_WORDS and step != "c_amount":
        return "menu"
    for name, words in (("menu", MENU_WORDS), ("back", BACK_WORDS), ("stop", STOP_WORDS), ("language", LANGUAGE_WORDS)):
        if word in words:
            return name
    return None


def broadcast_keyword(text: str) -> str | None:
    """Return "stop" or "start" when the whole message asks to stop or restart broadcasts (not on SMS: the carrier's)."""
    word = text.strip().casefold().rstrip(".!။")
    if word in BROADCAST_STOP_WORDS:
        return "stop"
    if word in BROADCAST_START_WORDS:
        return "start"
    return None


def carrier_keyword(text: str) -> str | None:
    """Return "opt_out", "opt_in" or "help" when an SMS is one of the carrier's keywords (whole message, any case)."""
    word = text.strip().casefold()
    if word in CARRIER_OPT_OUT:
        return "opt_out"
    if word in CARRIER_OPT_IN:
        return "opt_in"
    if word in CARRIER_HELP:
        return "help"
    return None


def number(text: str) -> int | None:
    """Return the menu number typed ("2", "၂", "2." or "(2)"), else None."""
    cleaned = digits_to_ascii(text).strip().strip("().# ")
    return int(cleaned) if cleaned.isdigit() and len(cleaned) <= 3 else None


def is_greeting(text: str) -> bool:
    return text.strip().casefold().rstrip(".!") in GREETINGS


def is_skip(text: str) -> bool:
    return text.strip().casefold() in SKIP_WORDS


def sensitive_word(text: str, listed: list[str]) -> str | None:
    """Return the first listed word or phrase the message uses, else None.

    Phrases with Latin letters match at the start of a word ("abuse" finds "abused", not "disabused");
    Burmese is written without spaces between words, so it matches anywhere.
    """
    folded = text.casefold()
    for phrase in listed:
        phrase = phrase.strip().casefold()
        if not phrase:
            continue
        if phrase.isascii():
            if re.search(r"(?<![a-z0-9])" + re.escape(phrase), folded):
                return phrase
        elif phrase in folded:
            return phrase
    return None


def yes_no(text: str) -> bool | None:
    """Return True for "1" / yes / agree, False for "2" / no, None when the answer is neither (ask again)."""
    choice = number(text)
    if choice in (1, 2):
        return choice == 1
    word = text.strip().casefold().rstrip(".!။")
    if word in YES_WORDS or word in AGREE_WORDS:
        return True
    if word in NO_WORDS or word in DISAGREE_WORDS:
        return False
    return None
