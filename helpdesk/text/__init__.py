"""Burmese input normalisation shared by every app.

Many migrants and some staff still type in the legacy Zawgyi encoding, which
uses the same code points as Unicode for different letters. Everything typed
into a form, an import or a bot passes through :func:`normalize_text` so the
database only ever holds Unicode Burmese.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from helpdesk.text.burmese import (  # noqa: F401  (the public API of helpdesk.text)
    UNICODE_SURE,
    ZAWGYI_SURE,
    ZAWGYI_THRESHOLD,
    Encoding,
    EncodingGuess,
    detect_encoding,
    document_encoding,
    guess_encoding,
    has_burmese,
    is_wellformed_unicode,
    normalize_text,
    unicode_faults,
    zawgyi_probability,
    zawgyi_to_unicode,
)
from helpdesk.text.phones import (  # noqa: F401
    COUNTRY_NAMES,
    PHONE_AMBIGUOUS,
    PHONE_INVALID,
    PhoneAmbiguous,
    parse_phone,
    phone_candidates,
    phone_countries_for,
    phone_display,
    phone_readings,
)

MYANMAR_DIGITS = str.maketrans(
    "၀၁၂၃၄၅၆၇၈၉႐႑႒႓႔႕႖႗႘႙", "01234567890123456789"
)
_SEPARATORS_RE = re.compile(r"[,\s\u00a0\u104a\u104b'_]")

NUMBER_INVALID = _("Enter a number, in English or Burmese digits.")


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


def phone_search_key(text: str) -> str:
    """Return the digits to search a phone by: E.164 when it parses, else the bare digits."""
    try:
        return parse_phone(text)
    except ValueError:
        return re.sub(r"\D", "", digits_to_ascii(text or ""))


def search_key(text: str) -> str:
    """Return text for case-insensitive matching: Unicode, NFC and casefolded."""
    return normalize_text(text).casefold()
