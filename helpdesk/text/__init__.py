"""Input normalisation shared by every app: the single entry for Burmese text, digits, phones and amounts.

Many migrants and some staff still type in the legacy Zawgyi encoding, which
uses the same code points as Unicode for different letters. Everything typed
into a form, an import, a bot, the admin or a search passes through
:func:`normalize_text` (burmese.py) so the database only ever holds Unicode
Burmese; phones through :func:`parse_phone` (phones.py), money through
:func:`parse_amount` (amounts.py). See docs/burmese-input.md.
"""
from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from helpdesk.text.amounts import AMOUNT_AMBIGUOUS, AMOUNT_INVALID, AmountError, parse_amount  # noqa: F401
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
from helpdesk.text.digits import MYANMAR_DIGITS, digits_to_ascii  # noqa: F401
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

NUMBER_INVALID = _("Enter a number, in English or Burmese digits.")


def parse_decimal(text: str | int | Decimal | None) -> Decimal | None:
    """Parse an amount typed in either script (kept for its callers: the same as parse_amount)."""
    return parse_amount(text)


def phone_search_key(text: str) -> str:
    """Return the digits to search a phone by: E.164 when it parses, else the bare digits."""
    try:
        return parse_phone(text)
    except ValueError:
        return re.sub(r"\D", "", digits_to_ascii(text or ""))


def search_key(text: str) -> str:
    """Return text for case-insensitive matching: Unicode, NFC and casefolded."""
    return normalize_text(text).casefold()
