"""Identity documents as a duplicate key: the Myanmar NRC in either script and any common spelling, and passports.

An NRC reads ``<state 1-14>/<township code>(<citizenship>)<6 digits>``, e.g. ``12/MaYaKa(N)123456`` or in
Burmese ``၁၂/မရက(နိုင်)၁၂၃၄၅၆``. The township code is written as romanised syllables (``MaYaKa``,
``Ma Ya Ka``), as their initials (``MYK``) or as Burmese consonants (``မရက``). Initials are the only form
every spelling can be brought to, so the key keeps one capital letter per syllable: ``12/MYK(N)123456``.
A spelling we cannot read gives no key at all: a guessed key could point at someone else.
"""
from __future__ import annotations

import re
import unicodedata

from helpdesk.text.digits import digits_to_ascii

# Burmese consonants as romanised on the English NRC (ရ is written "Ya" there, as spoken).
CONSONANT_SYLLABLES = {
    "က": "Ka", "ခ": "Kha", "ဂ": "Ga", "ဃ": "Gha", "င": "Nga", "စ": "Sa", "ဆ": "Hsa", "ဇ": "Za", "ဈ": "Za",
    "ည": "Nya", "ဉ": "Nya", "ဋ": "Ta", "ဌ": "Hta", "ဍ": "Da", "ဎ": "Dha", "ဏ": "Na", "တ": "Ta", "ထ": "Hta",
    "ဒ": "Da", "ဓ": "Dha", "န": "Na", "ပ": "Pa", "ဖ": "Pha", "ဗ": "Ba", "ဘ": "Bha", "မ": "Ma", "ယ": "Ya",
    "ရ": "Ya", "လ": "La", "ဝ": "Wa", "သ": "Tha", "ဟ": "Ha", "ဠ": "La", "အ": "Ah",
}
# Romanised syllables people type, longest first so "Kha" is read before "Ka"; "Ra" is another spelling of ရ.
# "Kya"/"Gya" are a consonant with its medial, whose sign the Burmese side drops too.
SYLLABLES = sorted({s.casefold() for s in CONSONANT_SYLLABLES.values()} | {"ra", "a", "hpa", "gya", "kya"}, key=len, reverse=True)
SYLLABLE_INITIAL = {s: s[0].upper() for s in SYLLABLES} | {"ra": "Y", "hpa": "P"}

# Citizenship in English (letter or word) and Burmese: citizen, associate, naturalised, religious (thathana).
CITIZENSHIP = {
    "N": "N", "NAING": "N", "NAINGAN": "N", "နိုင်": "N", "နိုင": "N",
    "E": "E", "AE": "E", "EH": "E", "EHH": "E", "AEH": "E", "ဧည့်": "E", "ဧည့": "E", "ဧ": "E",
    "P": "P", "PYU": "P", "PYAU": "P", "ပြု": "P",
    "T": "TH", "TH": "TH", "THA": "TH", "THATHANA": "TH", "သ": "TH", "သာ": "TH", "သာသနာ": "TH",
}
NRC_SHAPE = re.compile(r"^(\d{1,2})\s*/\s*(.+?)\s*\(\s*([^)]+?)\s*\)\s*(\d{6})$")
BURMESE_MARKS = re.compile(r"[\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d]")


def _township_initials(code: str) -> str:
    """Return one capital per syllable of a township code, or "" when any part cannot be read."""
    if re.search(r"[\u1000-\u109f]", code):
        consonants = BURMESE_MARKS.sub("", code.replace(" ", ""))  # vowel signs and medials carry no initial
        if not consonants or any(c not in CONSONANT_SYLLABLES for c in consonants):
            return ""
        return "".join(CONSONANT_SYLLABLES[c][0].upper() for c in consonants)
    letters = re.sub(r"[\s.\-']", "", code)
    if not letters.isascii() or not letters.isalpha() or not 2 <= len(letters) <= 12:
        return ""
    if letters.isupper() and 2 <= len(letters) <= 4 and not re.search(r"[AEIOU]", letters[1:]):
        return letters.replace("R", "Y")  # initials already: MYK (ရ is Y, as in the syllables)
    initials, rest = "", letters.casefold()
    while rest:
        syllable = next((s for s in SYLLABLES if rest.startswith(s)), None)
        if syllable is None:
            return ""
        initials += SYLLABLE_INITIAL[syllable]
        rest = rest[len(syllable):]
    return initials if 2 <= len(initials) <= 4 else ""


def nrc_key(value: str) -> str:
    """Return the NRC's canonical key (``12/MYK(N)123456``), or "" when it cannot be read with confidence."""
    text = unicodedata.normalize("NFC", digits_to_ascii(value or "")).strip()
    text = text.replace("（", "(").replace("）", ")").replace("၊", "/").replace("／", "/")
    match = NRC_SHAPE.match(text)
    if not match:
        return ""
    state, township, citizenship, number = match.groups()
    if not 1 <= int(state) <= 14:
        return ""
    citizenship = CITIZENSHIP.get(citizenship.replace(" ", "").upper()) or CITIZENSHIP.get(citizenship.replace(" ", ""))
    initials = _township_initials(township)
    if not citizenship or not initials:
        return ""
    return f"{int(state)}/{initials}({citizenship}){number}"


def passport_key(value: str) -> str:
    """Return a passport number without spaces or dashes, in capitals (``ma 123-456`` → ``MA123456``)."""
    return re.sub(r"[\s\-./]", "", digits_to_ascii(value or "")).upper()
