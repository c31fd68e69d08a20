"""Phone numbers with their country: Myanmar and Thai local numbers, anything else with +.

Migrants at the border centres (Myawaddy, Tachileik, Kawthaung) often give Thai
numbers. Some local numbers are valid in both plans (``081 234 5678`` is a
Mandalay landline and a Thai mobile), so a local number is never given a country
by guessing: when both readings are valid the caller must ask.
"""
from __future__ import annotations

import re

import phonenumbers
from django.utils.translation import gettext_lazy as _

from helpdesk.text.digits import digits_to_ascii

LOCAL_REGIONS = ("MM", "TH")
COUNTRY_NAMES = {"MM": _("Myanmar"), "TH": _("Thailand")}
CALLING_CODES = {"MM": "+95", "TH": "+66"}
# Townships of the centres on the Thai border: their staff see Thailand first.
THAI_BORDER_TOWNSHIPS = {"myawaddy", "tachileik", "kawthaung", "မြဝတီ", "တာချီလိတ်", "ကော့သောင်း"}

PHONE_INVALID = _("Enter a valid Myanmar (09…) or Thai phone number, or one starting with +.")
PHONE_AMBIGUOUS = _("This number is valid both in Myanmar and in Thailand: choose the country (or type it with +95 or +66).")
PHONE_NOT_IN_COUNTRY = _("This is not a valid %(country)s number.")


class PhoneAmbiguous(ValueError):
    """A local number valid in more than one country; ``readings`` maps each country to its E.164."""

    def __init__(self, readings: dict[str, str]):
        super().__init__(str(PHONE_AMBIGUOUS))
        self.readings = readings


def _raw(text: str | None) -> str:
    raw = re.sub(r"[^\d+]", "", digits_to_ascii(text))
    return "+" + raw[2:] if raw.startswith("00") else raw


def phone_readings(text: str | None, regions: tuple[str, ...] = LOCAL_REGIONS) -> dict[str, str]:
    """Return {country: E.164} for every country in which the number is valid (one for +numbers)."""
    raw = _raw(text)
    if not raw.lstrip("+"):
        return {}
    readings = {}
    for region in (None,) if raw.startswith("+") else regions:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            country = phonenumbers.region_code_for_number(number) or region or ""
            readings[country] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return readings


def parse_phone(text: str | None, regions: tuple[str, ...] = LOCAL_REGIONS, *, country: str | None = None) -> str:
    """Return the number in E.164.

    ``country`` ("MM" or "TH") is the country the person or the file says: a
    local number must then be valid there. Without it a local number valid in
    both plans raises PhoneAmbiguous (a ValueError) so the caller can ask;
    other bad input raises ValueError with a user-facing message.
    """
    readings = phone_readings(text, regions)
    if not readings:
        raise ValueError(str(PHONE_INVALID))
    if country and not _raw(text).startswith("+"):
        if country not in readings:
            raise ValueError(str(PHONE_NOT_IN_COUNTRY % {"country": COUNTRY_NAMES.get(country, country)}))
        return readings[country]
    if len(readings) > 1:
        raise PhoneAmbiguous(readings)
    return next(iter(readings.values()))


def phone_candidates(text: str | None) -> list[str]:
    """Return every E.164 the text can mean (both readings of an ambiguous number), for searching."""
    return sorted(set(phone_readings(text).values()))


def phone_display(e164: str | None) -> str:
    """Show a stored number as its owner writes it: local format and calling code for Myanmar and Thailand.

    ``081 234 5678 (+66)`` rather than a flag: flags are boxes on machines
    without an emoji font, and an emoji makes an English SMS cost UCS-2 rates.
    """
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    if region in CALLING_CODES:
        return f"{phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)} ({CALLING_CODES[region]})"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


_COUNTRY_WORDS = {
    "MM": ("mm", "mmr", "myanmar", "burma", "+95", "95", "မြန်မာ"),
    "TH": ("th", "tha", "thai", "thailand", "+66", "66", "ထိုင်း"),
}
COUNTRY_BY_WORD = {word: code for code, words in _COUNTRY_WORDS.items() for word in words}


def parse_phone_country(text: str | None) -> str | None:
    """Return "MM" or "TH" for a country as a spreadsheet writes it (MM, Thailand, +66, ထိုင်း), None when empty.

    Raises ValueError for anything else.
    """
    word = (text or "").strip().casefold()
    if not word:
        return None
    if word not in COUNTRY_BY_WORD:
        raise ValueError(word)
    return COUNTRY_BY_WORD[word]


def phone_countries_for(township: str | None) -> tuple[str, str]:
    """Return the two local countries in the order a centre's staff should see them (border centres: Thailand first)."""
    return ("TH", "MM") if (township or "").strip().casefold() in THAI_BORDER_TOWNSHIPS else ("MM", "TH")
