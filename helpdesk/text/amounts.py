"""Kyat amounts as people write them: ၁၅ သိန်း, 15 lakhs, ၁၅ဝဝဝဝဝ, 1,500,000 MMK.

One parser for forms, imports and bots. It reads Burmese or ASCII digits, the
letter ဝ typed for the digit zero inside a number, thousands separators
(Western 1,500,000 and South-Asian 15,00,000), the words for 1,000 (ထောင်),
10,000 (သောင်း), 100,000 (သိန်း, lakh) and 1,000,000 (သန်း, million), and kyat
signs before or after. What could mean two things (1.500, 1,5) is refused with
an example, never guessed.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from helpdesk.text.digits import MYANMAR_DIGITS

AMOUNT_INVALID = _("“%(value)s” is not an amount. Type it like 1500000, 1,500,000, ၁၅ သိန်း or 15 lakhs.")
AMOUNT_AMBIGUOUS = _("“%(value)s” can be read in more than one way. Type it like 1,500,000 or 1500000.")
AMOUNT_NEGATIVE = _("The amount cannot be negative.")

UNITS = {
    "ထောင်": 1_000, "thousand": 1_000,
    "သောင်း": 10_000,
    "သိန်း": 100_000, "lakh": 100_000, "lakhs": 100_000, "lac": 100_000, "lacs": 100_000,
    "သန်း": 1_000_000, "million": 1_000_000, "millions": 1_000_000,
}
CURRENCY = ("ကျပ်", "kyats", "kyat", "mmk", "ks")
AMBIGUOUS_WORDS = ("k",)  # "100k": a hundred kyats or a hundred thousand?
_WORDS = sorted([*UNITS, *CURRENCY, *AMBIGUOUS_WORDS], key=len, reverse=True)
_LETTER_ZERO = re.compile(r"(?<=[0-9])([,.]?)\u101d")  # ဝ right after a digit (or a separator after one)
_TOKEN = re.compile(r"[0-9][0-9,.]*|[^\s0-9,.]+|[,.]")
_WESTERN = re.compile(r"\d{1,3}(,\d{3})+")
_SOUTH_ASIAN = re.compile(r"\d{1,2}(,\d{2})+,\d{3}")
_DOT_GROUPS = re.compile(r"\d{1,3}(\.\d{3}){2,}")


class AmountError(ValueError):
    """An amount that cannot be read (or can be read two ways); the message says what to type."""


def _number(token: str, *, places: int, has_unit: bool) -> Decimal:
    """Read one run of digits and separators, refusing what has two readings."""
    if "," in token and "." in token:
        whole, _dot, fraction = token.rpartition(".")
        if "." in whole or not (_WESTERN.fullmatch(whole) or _SOUTH_ASIAN.fullmatch(whole)) or not fraction.isdigit():
            raise AmountError(AMOUNT_AMBIGUOUS)
        return Decimal(whole.replace(",", "") + "." + fraction)
    if "," in token:
        if not (_WESTERN.fullmatch(token) or _SOUTH_ASIAN.fullmatch(token)):
            raise AmountError(AMOUNT_AMBIGUOUS)  # 1,5 or 15,00: a decimal comma or a slip?
        return Decimal(token.replace(",", ""))
    if token.count(".") > 1:
        if not _DOT_GROUPS.fullmatch(token):
            raise AmountError(AMOUNT_AMBIGUOUS)
        return Decimal(token.replace(".", ""))  # 1.500.000: only one reading
    whole, dot, fraction = token.partition(".")
    if dot and (not whole or not fraction):
        raise AmountError(AMOUNT_INVALID)
    if dot and len(fraction) == 3 and places < 3 and not has_unit:
        raise AmountError(AMOUNT_AMBIGUOUS)  # 1.500: one and a half, or fifteen hundred?
    return Decimal(token)


def _tokens(text: str) -> list[str]:
    """Split into numbers and words; a word run such as သိန်းကျပ် is split into the known words."""
    tokens = []
    for token in _TOKEN.findall(text):
        if token[0].isdigit() or token in ",.":
            tokens.append(token)
            continue
        while token:
            word = next((w for w in _WORDS if token.startswith(w)), None)
            if word is None:
                raise AmountError(AMOUNT_INVALID)
            tokens.append(word)
            token = token[len(word):]
    return tokens


def _join_space_groups(tokens: list[str]) -> list[str]:
    """Join "1 500 000" (thousands separated by spaces) into one number."""
    joined: list[str] = []
    for token in tokens:
        previous = joined[-1] if joined else ""
        if previous[:1].isdigit() and "." not in previous and re.fullmatch(r"\d{3}(\.\d+)?", token):
            joined[-1] = previous + token
        else:
            joined.append(token)
    return joined


def parse_amount(text: str | int | Decimal | None, *, places: int = 2) -> Decimal | None:
    """Return the amount as a Decimal (None when empty); raise AmountError saying what to type.

    ``places`` is how many decimals the field keeps (2 for kyats, more for an exchange rate).
    """
    if text is None:
        return None
    if isinstance(text, (int, Decimal)):
        return Decimal(text)
    raw = str(text)
    cleaned = unicodedata.normalize("NFC", raw).translate(MYANMAR_DIGITS).casefold().strip().rstrip("။.!")
    if not cleaned:
        return None
    while _LETTER_ZERO.search(cleaned):
        cleaned = _LETTER_ZERO.sub(r"\g<1>0", cleaned)
    cleaned = re.sub(r"[\u00a0'_\u104a]", " ", cleaned)
    cleaned = re.sub(r"(?<![0-9])ks\.", "ks", cleaned)
    if cleaned.startswith("-"):
        raise AmountError(str(AMOUNT_NEGATIVE))
    try:
        return _read(_join_space_groups(_tokens(cleaned)), places=places)
    except (AmountError, InvalidOperation) as exc:
        message = exc.args[0] if isinstance(exc, AmountError) else AMOUNT_INVALID
        raise AmountError(str(message) % {"value": raw.strip()[:40]}) from None


def _read(tokens: list[str], *, places: int) -> Decimal:
    if any(t in AMBIGUOUS_WORDS for t in tokens):
        raise AmountError(AMOUNT_AMBIGUOUS)
    if sum(t in CURRENCY for t in tokens) > 1:
        raise AmountError(AMOUNT_INVALID)
    tokens = [t for t in tokens if t not in CURRENCY]
    if not tokens:
        raise AmountError(AMOUNT_INVALID)
    total, last_unit, index = Decimal(0), None, 0
    while index < len(tokens):
        token = tokens[index]
        if not token[0].isdigit():
            raise AmountError(AMOUNT_INVALID)  # a unit with no number before it
        unit = UNITS.get(tokens[index + 1]) if index + 1 < len(tokens) else None
        number = _number(token, places=places, has_unit=unit is not None)
        # Terms go from the largest unit down (၁၅ သိန်း ၅ သောင်း); a plain number ends the amount.
        if last_unit is not None and ((unit or 1) >= last_unit or (unit is None and number >= last_unit)):
            raise AmountError(AMOUNT_AMBIGUOUS)
        if last_unit == 1:
            raise AmountError(AMOUNT_AMBIGUOUS)
        total += number * (unit or 1)
        last_unit = unit or 1
        index += 2 if unit else 1
    if -total.normalize().as_tuple().exponent > places:
        raise AmountError(AMOUNT_AMBIGUOUS)
    return total.quantize(Decimal(1)) if total == total.to_integral_value() else total
