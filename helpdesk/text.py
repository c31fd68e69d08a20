"""Burmese input normalisation shared by every app.

Many migrants and some staff still type in the legacy Zawgyi encoding, which
uses the same code points as Unicode for different letters. Everything typed
into a form, an import or a bot passes through :func:`normalize_text` so the
database only ever holds Unicode Burmese.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

import para
import phonenumbers
from django.utils.translation import gettext_lazy as _

Encoding = Literal["zawgyi", "unicode"]

# The detector gives ~1.0 for long Zawgyi and ~0 for Unicode; short strings sit
# in between (e.g. "မဂၤလာပါ" scores 0.54). Above this we convert. A conversation
# that has already seen Zawgyi passes encoding_hint="zawgyi" instead.
ZAWGYI_THRESHOLD = 0.5

MYANMAR_DIGITS = str.maketrans(
    "၀၁၂၃၄၅၆၇၈၉႐႑႒႓႔႕႖႗႘႙", "01234567890123456789"
)
_BURMESE_RE = re.compile("[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
_SEPARATORS_RE = re.compile(r"[,\s\u00a0\u104a\u104b'_]")

PHONE_INVALID = _("Enter a valid Myanmar (09…) or Thai phone number, or one starting with +.")
NUMBER_INVALID = _("Enter a number, in English or Burmese digits.")


@lru_cache(maxsize=1)
def _detector():
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


def has_burmese(text: str) -> bool:
    """Return True if the text contains any Myanmar-script character."""
    return bool(_BURMESE_RE.search(text or ""))


def zawgyi_probability(text: str) -> float:
    """Return the detector's probability that the text is Zawgyi (0 when no Burmese)."""
    if not has_burmese(text):
        return 0.0
    return float(_detector().get_zawgyi_probability(text))


def detect_encoding(text: str) -> Encoding | None:
    """Return "zawgyi" or "unicode" for Burmese text, None when there is no Burmese."""
    if not has_burmese(text):
        return None
    return "zawgyi" if zawgyi_probability(text) > ZAWGYI_THRESHOLD else "unicode"


def zawgyi_to_unicode(text: str) -> str:
    """Convert Zawgyi text to NFC Unicode (only call on text known to be Zawgyi)."""
    return unicodedata.normalize("NFC", para.zg_to_unicode(text, force=True))


def normalize_text(text: str | None, *, encoding_hint: Encoding | None = None) -> str:
    """Return the text stripped, in Unicode and NFC, converting Zawgyi when detected.

    ``encoding_hint`` lets a caller that knows the writer's encoding (a bot
    conversation that saw Zawgyi before) decide short, ambiguous strings.
    """
    if not text:
        return ""
    text = text.strip()
    if not has_burmese(text):
        return unicodedata.normalize("NFC", text)
    encoding = encoding_hint or detect_encoding(text)
    if encoding == "zawgyi":
        return zawgyi_to_unicode(text)
    return unicodedata.normalize("NFC", text)


def digits_to_ascii(text: str) -> str:
    """Replace Myanmar and Shan digits with ASCII ones (number fields only).

    Not for free text: "၀" is often typed for the letter "ဝ".
    """
    return (text or "").translate(MYANMAR_DIGITS)


def parse_decimal(text: str | int | Decimal | None) -> Decimal | None:
    """Parse an amount typed in either script, with or without thousands separators."""
    if text is None or text == "":
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    cleaned = _SEPARATORS_RE.sub("", digits_to_ascii(str(text)))
    cleaned = re.sub(r"(?i)(mmk|kyats?|ks\.?|ကျပ်)$", "", cleaned)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(str(NUMBER_INVALID)) from exc
    if not value.is_finite():
        raise ValueError(str(NUMBER_INVALID))
    return value


def parse_phone(text: str | None, regions: tuple[str, ...] = ("MM", "TH")) -> str:
    """Return the phone number in E.164, trying each region in turn for local numbers.

    Raises ValueError with a user-facing message when no region gives a valid number.
    """
    raw = digits_to_ascii(text or "").strip()
    if not raw:
        raise ValueError(str(PHONE_INVALID))
    raw = re.sub(r"[^\d+]", "", raw)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    candidates = (None,) if raw.startswith("+") else regions
    for region in candidates:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(str(PHONE_INVALID))


def phone_search_key(text: str) -> str:
    """Return the digits to search a phone by: E.164 when it parses, else the bare digits."""
    try:
        return parse_phone(text)
    except ValueError:
        return re.sub(r"\D", "", digits_to_ascii(text or ""))


def search_key(text: str) -> str:
    """Return text for case-insensitive matching: Unicode, NFC and casefolded."""
    return normalize_text(text).casefold()
