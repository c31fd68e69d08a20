"""Reading what a migrant typed: encoding, keywords in both languages, menu numbers."""
from __future__ import annotations

from helpdesk.text import digits_to_ascii, has_burmese, normalize_text, zawgyi_probability

# At or above this the detector is sure enough to remember that the writer uses
# Zawgyi (short Unicode words such as "ကို" score ~0.6, so 0.5 is too low).
ZAWGYI_SURE = 0.9
# Below this a message is clearly Unicode even from a known Zawgyi writer (a new
# phone); between this and the detector's threshold it is ambiguous, and the
# conversation's memory decides.
UNICODE_SURE = 0.05

MENU_WORDS = {"menu", "/menu", "/start", "start", "main menu", "မီနူး", "မာတိကာ", "ပင်မ"}
# Greetings open the menu from the menu, but are passed on to staff during a hand-over.
GREETINGS = {"hi", "hello", "hey", "မင်္ဂလာပါ", "မင်္ဂလာပါခင်ဗျာ", "မင်္ဂလာပါရှင်"}
BACK_WORDS = {"back", "/back", "previous", "နောက်", "နောက်သို့", "နောက်ပြန်", "ပြန်", "ပြန်သွား"}
STOP_WORDS = {"stop", "/stop", "quit", "cancel", "end", "ရပ်", "ရပ်ပါ", "ရပ်မည်", "ထွက်", "ပယ်ဖျက်"}
LANGUAGE_WORDS = {"language", "/language", "ဘာသာစကား", "ဘာသာ"}
SKIP_WORDS = {"-", "skip", "no", "none", "မသိ", "မရှိ", "ကျော်"}
BURMESE_WORDS = {"burmese", "myanmar", "မြန်မာ", "မြန်မာဘာသာ", "ဗမာ"}
ENGLISH_WORDS = {"english", "eng", "အင်္ဂလိပ်"}
YES_WORDS = {"yes", "y", "ok", "send", "ဟုတ်", "ဟုတ်ကဲ့", "ပို့မည်", "ပို့"}


def read(text: str | None, *, zawgyi_known: bool) -> tuple[str, str | None, bool]:
    """Return (Unicode text, encoding decided, writer shown to use Zawgyi).

    The encoding is "zawgyi", "unicode" or None (no Burmese); pass it on as
    ``encoding_hint`` to anything that normalises the raw text again.
    """
    raw = (text or "").strip()
    if not has_burmese(raw):
        return normalize_text(raw), None, zawgyi_known
    probability = zawgyi_probability(raw)
    if probability >= ZAWGYI_SURE:
        zawgyi_known = True
    if probability > 0.5 or (zawgyi_known and probability > UNICODE_SURE):
        encoding = "zawgyi"
    else:
        encoding = "unicode"
    return normalize_text(raw, encoding_hint=encoding), encoding, zawgyi_known


def sure_encoding(raw: str, *, zawgyi_known: bool) -> str | None:
    """Return the encoding of Burmese text when the detector (or the writer's known Zawgyi) is sure, else None."""
    probability = zawgyi_probability(raw)
    if probability >= ZAWGYI_SURE or (zawgyi_known and probability > UNICODE_SURE):
        return "zawgyi"
    if probability <= UNICODE_SURE:
        return "unicode"
    return None


def start_parameter(text: str) -> str:
    """Return the deep-link parameter of "/start NDG" (a centre's poster link), else ""."""
    parts = text.strip().split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 and parts[0].casefold() == "/start" else ""


def keyword(text: str) -> str | None:
    """Return "menu", "back", "stop" or "language" when the whole message is one of those words."""
    if start_parameter(text):
        return "menu"
    word = text.strip().casefold().rstrip(".!")
    for name, words in (("menu", MENU_WORDS), ("back", BACK_WORDS), ("stop", STOP_WORDS), ("language", LANGUAGE_WORDS)):
        if word in words:
            return name
    return None


def number(text: str) -> int | None:
    """Return the menu number typed ("2", "၂", "2." or "(2)"), else None."""
    cleaned = digits_to_ascii(text).strip().strip("().# ")
    return int(cleaned) if cleaned.isdigit() and len(cleaned) <= 3 else None


def is_greeting(text: str) -> bool:
    return text.strip().casefold().rstrip(".!") in GREETINGS


def is_skip(text: str) -> bool:
    return text.strip().casefold() in SKIP_WORDS
