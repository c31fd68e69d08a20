"""Comparable forms of agency names and licence numbers for the lookup.

Nearly every agency is "… Overseas Employment Agency Co., Ltd." (or the Burmese
"… ပြည်ပအလုပ်အကိုင်ရှာဖွေရေးအေဂျင်စီ ကုမ္ပဏီလီမိတက်"): those words say nothing about
which agency it is, so they are removed before comparing, or they would make
every name look alike.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

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
        "အလုပ်အကိုင်",
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

# A Burmese syllable starts at a consonant that is not stacked under the one before (after ္) and
# not killed by asat or stacking itself, or at an independent vowel (the "sylbreak" rule).
_SYLLABLE_START = re.compile("(?<!\u1039)[\u1000-\u1021](?![\u103a\u1039])|[\u1023-\u102a\u103f\u104c-\u104f]")
# Dot below, visarga (tones), asat and medial ha: what typists most often leave out.
_SKELETON = str.maketrans("", "", "\u1037\u1038\u103a\u103e")
_NOT_CONSONANT = re.compile("[^\u1000-\u102a\u103f]")


@dataclass(frozen=True)
class NameTokens:
    """A name's distinctive Latin words and Burmese syllables, and the boilerplate words it has."""

    latin: tuple[str, ...]
    burmese: tuple[str, ...]
    weak: frozenset[str]
    key: str = ""  # the name casefolded without punctuation and boilerplate, for fuzzy comparison

    def __bool__(self) -> bool:
        return bool(self.latin or self.burmese)


# Digits typed for look-alike letters inside Burmese words ("၀" for "ဝ", "၇" for "ရ"): a digit
# after a consonant or before a vowel sign/medial is a letter.
_LOOKALIKE_DIGIT = re.compile("(?<=[\u1000-\u102a])[၀၇]|[၀၇](?=[\u102b-\u103e])")
_LOOKALIKE_LETTER = {"၀": "ဝ", "၇": "ရ"}

# Punctuation: what is neither a letter or digit (``\w``) nor in the Myanmar blocks (``\w`` alone would
# also drop Burmese vowel signs and medials, which are marks); one regex, not a test per character.
_PUNCTUATION = re.compile("[^\\w\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]|_")
_SPACES = re.compile(r"\s+")
_BURMESE = re.compile("[\u1000-\u109f]")
# A licence number inside a query: optional "No."/"Licence No."/"လိုင်စင်အမှတ်", digits, optional /year.
_NUMBER_IN_QUERY = re.compile(
    r"(?:licen[cs]e\s*)?(?:no\.?|number|#)?\s*:?\s*(?:လိုင်စင်\s*)?(?:အမှတ်\s*)?(\d+)(?:\s*[/\-–]\s*(\d{2,4}))?",
    re.IGNORECASE,
)
_COMPANY_FORM = re.compile(
    r"[\s,]*(co\.?,?\s*ltd\.?|company\s+limited|pte\.?\s*ltd\.?|ltd\.?|limited|ကုမ္ပဏီလီမိတက်|ကုမ္ပဏီ\s*လီမိတက်)\s*$", re.IGNORECASE
)
_NUMBER_WORDS = re.compile(r"\b(licen[cs]e|no|number)\b\.?|လိုင်စင်|အမှတ်", re.IGNORECASE)


def is_burmese(text: str) -> bool:
    return bool(_BURMESE.search(text))


def letters_for_lookalike_digits(text: str) -> str:
    """Turn "၀"/"၇" typed inside Burmese words into the letters "ဝ"/"ရ"; digits in numbers stay."""
    if "၀" not in text and "၇" not in text:
        return text
    return _LOOKALIKE_DIGIT.sub(lambda m: _LOOKALIKE_LETTER[m.group()], text)


def name_key(name: str) -> str:
    """Return a Unicode name casefolded, without punctuation and filler words.

    The caller converts Zawgyi first (``helpdesk.text.normalize_text``): converting twice damages Unicode.
    Falls back to the full name when it is nothing but filler ("Overseas Employment Agency").
    """
    return name_tokens(name).key


def name_tokens(name: str) -> NameTokens:
    """Return a Unicode name's distinctive words, its boilerplate (weak) words and its key, in one pass.

    Latin words are split at spaces; Burmese, written without spaces between words, is split into
    syllables (``syllables``), so "ရွှေလမင်း" and "ငွေလမင်း" differ in one syllable, not in one word.
    """
    text = _PUNCTUATION.sub(" ", unicodedata.normalize("NFC", letters_for_lookalike_digits(name).casefold()))
    full = " ".join(text.split())
    weak: list[str] = []
    if is_burmese(text):
        for filler in BURMESE_FILLER:
            if filler in text:
                weak.append(filler)
                text = text.replace(filler, " ")
    latin, burmese, words = [], [], []
    for word in text.split():
        if word in ENGLISH_FILLER:
            weak.append(word)
            continue
        words.append(word)
        if is_burmese(word):
            burmese.extend(syllables(word))
        else:
            latin.append(word)
    return NameTokens(latin=tuple(latin), burmese=tuple(burmese), weak=frozenset(weak), key=" ".join(words) or full)


def syllables(text: str) -> list[str]:
    """Split Burmese text into syllables: a new one starts at each consonant not killed by asat or stacked."""
    return _SYLLABLE_START.sub(r" \g<0>", text.replace(" ", "")).split()


@lru_cache(maxsize=16384)  # the register's syllables, compared with each query's: computed once each
def skeleton(text: str) -> str:
    """Return Burmese text without the marks most often dropped or misplaced when typing (tones, asat, ha-htoe)."""
    return text.translate(_SKELETON)


def without_company_form(name: str) -> str:
    """Return the name without its trailing company form ("Co., Ltd.", "ကုမ္ပဏီလီမိတက်"): shorter in an SMS."""
    return _COMPANY_FORM.sub("", name).strip() or name


@lru_cache(maxsize=16384)
def consonants(text: str) -> str:
    """Return the Burmese consonants and independent vowels of a syllable, in order (its letters without marks)."""
    return _NOT_CONSONANT.sub("", text)


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
