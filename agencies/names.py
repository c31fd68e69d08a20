"""Comparable forms of agency names and licence numbers for the lookup.

Nearly every agency is "… Overseas Employment Agency Co., Ltd." (or the Burmese
"… ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်"): those words say nothing about
which agency it is, so they are removed before comparing, or they would make
every name look alike.
"""
from __future__ import annotations

import re
import unicodedata

from helpdesk.text import digits_to_ascii

# Whole words (after casefolding and dropping punctuation).
ENGLISH_FILLER = frozenset(
    """
    co company companies corp corporation ltd limited pte plc inc llc
    overseas employment agency agencies recruitment recruiting services service manpower
    the and of intl international group enterprise enterprises
    """.split()
)

# Burmese has no spaces between words, so these are removed as substrings, longest first.
BURMESE_FILLER = sorted(
    [
        "ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ",
        "ပြည်ပအလုပ်အကိုင်ရှာဖွေရေး",
        "အလုပ်အကိုင်ရှာဖွေရေး",
        "ပြည်ပအလုပ်အကိုင်",
        "ကုမ္ပဏီလီမိတက်",
        "ကုမ္ပဏီ",
        "လီမိတက်",
        "အေဂျင်စီ",
        "ဝန်ဆောင်မှု",
        "လူ့စွမ်းအား",
        "အင်တာနေရှင်နယ်",
        "အဖွဲ့",
    ],
    key=len,
    reverse=True,
)

# Digits typed for look-alike letters inside Burmese words ("၀" for "ဝ", "၇" for "ရ"): a digit
# after a consonant or before a vowel sign/medial is a letter.
_LOOKALIKE_DIGIT = re.compile("(?<=[\u1000-\u102a])[၀၇]|[၀၇](?=[\u102b-\u103e])")
_LOOKALIKE_LETTER = {"၀": "ဝ", "၇": "ရ"}

# Punctuation by Unicode category: regex ``\w`` would also drop Burmese vowel signs and medials (Mn/Mc).
_KEEP_CATEGORIES = ("L", "M", "N")
_SPACES = re.compile(r"\s+")
_BURMESE = re.compile("[\u1000-\u109f]")
# A licence number inside a query: optional "No."/"Licence No."/"လိုင်စင်အမှတ်", digits, optional /year.
_NUMBER_IN_QUERY = re.compile(
    r"(?:licen[cs]e\s*)?(?:no\.?|number|#)?\s*:?\s*(?:လိုင်စင်\s*)?(?:အမှတ်\s*)?(\d+)(?:\s*[/\-–]\s*(\d{2,4}))?",
    re.IGNORECASE,
)
_NUMBER_WORDS = re.compile(r"\b(licen[cs]e|no|number)\b\.?|လိုင်စင်|အမှတ်", re.IGNORECASE)


def is_burmese(text: str) -> bool:
    return bool(_BURMESE.search(text))


def letters_for_lookalike_digits(text: str) -> str:
    """Turn "၀"/"၇" typed inside Burmese words into the letters "ဝ"/"ရ"; digits in numbers stay."""
    return _LOOKALIKE_DIGIT.sub(lambda m: _LOOKALIKE_LETTER[m.group()], text)


def name_key(name: str) -> str:
    """Return a Unicode name casefolded, without punctuation and filler words.

    The caller converts Zawgyi first (``helpdesk.text.normalize_text``): converting twice damages Unicode.
    Falls back to the full name when it is nothing but filler ("Overseas Employment Agency").
    """
    text = letters_for_lookalike_digits(name).casefold()
    text = "".join(ch if unicodedata.category(ch)[0] in _KEEP_CATEGORIES else " " for ch in unicodedata.normalize("NFC", text))
    full = _SPACES.sub(" ", text).strip()
    if is_burmese(full):
        stripped = full
        for filler in BURMESE_FILLER:
            stripped = stripped.replace(filler, " ")
    else:
        stripped = full
    words = [word for word in stripped.split() if word not in ENGLISH_FILLER]
    return " ".join(words) or full


def numbers_in_query(query: str) -> list[tuple[str, str]]:
    """Return the (number, year) pairs typed in a query, digits in ASCII: "No. ၁၂၃/2019" gives [("123", "2019")]."""
    text = digits_to_ascii(letters_for_lookalike_digits(query))
    found = []
    for match in _NUMBER_IN_QUERY.finditer(text):
        number, year = match.group(1).lstrip("0") or "0", match.group(2) or ""
        found.append((number, year))
    return found


def text_without_numbers(query: str) -> str:
    """Return what is left of a query once licence numbers and their labels are removed (the name part)."""
    text = letters_for_lookalike_digits(query)
    if any(ch.isdigit() for ch in text):
        text = _NUMBER_IN_QUERY.sub(" ", digits_to_ascii(text))
    return _SPACES.sub(" ", _NUMBER_WORDS.sub(" ", text)).strip()
