"""Which encoding Burmese text is in, decided so that Unicode is never damaged.

Zawgyi reuses Unicode's code points for other letters, so a converter run on
Unicode corrupts it (``မြမြ`` becomes ``မွမွ``). Google's detector alone is
unsure on short strings, which is most of what we receive (names, towns, agency
words). So the first question is structural: is the text well-formed Unicode
Burmese (every syllable in the order Unicode requires)? Zawgyi typed text almost
always breaks that order (vowel sign E before its consonant, the medial RA
glyph before it, virama used as the killer, Zawgyi-only code points). Text that
is well-formed Unicode is converted only on strong evidence from outside the
text: a conversation or a file known to be Zawgyi.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import para

Encoding = Literal["zawgyi", "unicode"]

# The detector's probability is a tie-breaker only, for text that is malformed
# in both readings. At or above ZAWGYI_SURE, or below UNICODE_SURE, it is
# strong enough for a conversation to remember (short Unicode words such as
# "ကို" score ~0.6, so 0.5 is not "sure").
ZAWGYI_THRESHOLD = 0.5
ZAWGYI_SURE = 0.9
UNICODE_SURE = 0.05

BURMESE_RE = re.compile("[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")
# Bases a syllable starts from: consonants, independent vowels, great SA, digits
# (typed for letters: ၀ for ဝ) and the symbols ၌ ၍ ၎ ၏.
_BASE = "[\u1000-\u1021\u1023-\u1027\u1029\u102a\u103f\u1040-\u1049\u104c-\u104f]"
_CONSONANT = "[\u1000-\u1021]"
# One Unicode syllable in storage order (Unicode Technical Note #11), after NFC:
# kinzi, base, stacked consonants, asat (only before a medial or U: ယောက်ျား,
# ကျွန်ုပ်), medials Y|R W H, vowel E, upper vowel, lower vowel, AA, anusvara,
# dot below, asat, visarga.
_SYLLABLE = re.compile(
    "(?:\u1004\u103a\u1039)?" + _BASE + "((?:\u1039" + _CONSONANT + ")*)"
    "(?:\u103a(?=[\u103b-\u103e\u102f]))?[\u103b\u103c]?\u103d?\u103e?\u1031?[\u102d\u102e\u1032]?[\u102f\u1030]?[\u102b\u102c]?"
    "\u1036?\u1037?\u103a?\u1038?"
)
# A syllable of Shan (or another language written in Myanmar script) in Unicode:
# a base, then signs in any order, with at least one letter or sign Burmese does
# not use. Zawgyi puts its glyph variants on the same code points (ၾ, ၼ, ၸ), so
# such syllables count as Unicode only when the detector does not see Zawgyi.
# Shan and Mon letters and signs (Zawgyi's stacked glyphs from U+1060 on stay faults).
_SHAN_SYLLABLE = re.compile(
    "[\u1000-\u1022\u1028\u105a-\u105d\u1075-\u1081\u108e]"
    "[\u102b-\u1038\u103a-\u103d\u105e\u105f\u1062\u1082-\u108d\u109a-\u109d]*"
)
_SHAN_ONLY = re.compile("[\u1022\u1028\u1033-\u1035\u105a-\u105f\u1062\u1075-\u108e\u109a-\u109d]")
# What only Zawgyi writes: its glyph variants, and the virama with nothing stacked under it.
_ZAWGYI_MARKS = re.compile("[\u1060-\u1097]|\u1039(?![\u1000-\u1021])")
_HA_STACKS = set("နမယလဝ")  # Pali hm, hn...: ဗြဟ္မာ
_DOUBLED = set("လသ")  # stacked on themselves outside the five rows: ဗလ္လ, ပြဿနာ's old spelling
# A tone mark on a bare consonant (no vowel sign, anusvara or asat): never
# Unicode spelling, but what Zawgyi's "ေလး" reads as (the E attached to the
# letter before).
_TONE_ON_BARE = re.compile("[\u1000-\u1021](?:\u1039[\u1000-\u1021])*[\u103b-\u103e]*[\u1037\u1038]+$")


def _varga(char: str) -> int | None:
    """Return the row of the consonant table (က-row 0 ... ပ-row 4), None outside the five rows."""
    code = ord(char) - 0x1000
    if code < 0 or code > 0x19:
        return None
    return 1 if code == 0x0A else (code if code < 0x0A else code - 1) // 5


def _stack_ok(upper: str, lower: str) -> bool:
    """Stacked consonants in Unicode Burmese pair within one row of the table (or double one letter)."""
    if upper == "င":
        return False  # Unicode stacks under NGA only as kinzi (င်္)
    if (upper == lower and upper in _DOUBLED) or (upper == "ဟ" and lower in _HA_STACKS):
        return True
    row = _varga(upper)
    return row is not None and row == _varga(lower)


def has_burmese(text: str) -> bool:
    """Return True if the text contains any Myanmar-script character."""
    return bool(BURMESE_RE.search(text or ""))


def _faults(text: str, *, shan: bool = False) -> tuple[int, int]:
    """Return (hard, soft) faults of the text read as Unicode.

    Hard faults are what only Zawgyi produces: its stacked and variant letters
    (U+1060-U+1097), the virama used as the killer (no consonant under it),
    stacks Unicode never writes. Soft faults are orders that careless Unicode
    keyboards also produce (a sign with no letter, a tone on a bare letter).
    """
    text = unicodedata.normalize("NFC", text or "")
    hard = soft = position = 0
    while position < len(text):
        match = _SYLLABLE.match(text, position)
        other = _SHAN_SYLLABLE.match(text, position) if shan else None
        if other and _SHAN_ONLY.search(other.group(0)) and (not match or other.end() > match.end()):
            position = other.end()
            continue
        if match:
            stacked = match.group(1)
            letters = [text[match.start(1) - 1]] + [stacked[i] for i in range(1, len(stacked), 2)]
            hard += sum(not _stack_ok(a, b) for a, b in zip(letters, letters[1:], strict=False))
            soft += bool(_TONE_ON_BARE.match(match.group(0)))
            position = match.end()
            continue
        char = text[position]
        if char == "\u1039" or "\u1060" <= char <= "\u1097":
            hard += 1
        elif "\u102b" <= char <= "\u103e":
            # A dependent sign with no letter to attach to, or out of order: also
            # anusvara before U (ံု), Zawgyi's order and old Unicode keyboards'.
            soft += 1
        position += 1
    return hard, soft


def _may_be_shan(text: str) -> bool:
    """Shan letters and signs share code points with Zawgyi's glyphs: let the detector tell them apart."""
    return bool(_SHAN_ONLY.search(text)) and zawgyi_probability(text) <= ZAWGYI_THRESHOLD


def unicode_faults(text: str) -> int:
    """Count the places where the text breaks Unicode syllable structure (0 = well-formed Burmese or Shan)."""
    return sum(_faults(text, shan=_may_be_shan(text)))


def is_wellformed_unicode(text: str) -> bool:
    """Return True when every Burmese syllable in the text is in Unicode order."""
    return unicode_faults(text) == 0


@lru_cache(maxsize=1)
def _detector():
    from myanmartools import ZawgyiDetector

    return ZawgyiDetector()


def zawgyi_probability(text: str) -> float:
    """Return the detector's probability that the text is Zawgyi (0 when no Burmese)."""
    if not has_burmese(text):
        return 0.0
    return float(_detector().get_zawgyi_probability(text))


@lru_cache(maxsize=2048)  # guess_encoding converts to compare, then normalize_text keeps the result
def zawgyi_to_unicode(text: str) -> str:
    """Convert Zawgyi text to NFC Unicode (only call on text known to be Zawgyi)."""
    return unicodedata.normalize("NFC", para.zg_to_unicode(text, force=True))


@dataclass(frozen=True)
class EncodingGuess:
    """The encoding decided for one text, and whether the text alone proves it (worth remembering)."""

    encoding: Encoding | None
    sure: bool


def guess_encoding(text: str, *, hint: Encoding | None = None) -> EncodingGuess:
    """Decide the encoding of ``text``; ``hint`` is what its source (conversation, file) is known to use.

    - no hint: well-formed Unicode stays Unicode; malformed text is Zawgyi when converting
      it removes faults, and when both readings are equally malformed the detector decides;
    - hint "zawgyi": converted, unless the text is well-formed Unicode and converting it
      would break it or the detector is sure it is Unicode (a known Zawgyi writer on a
      new, Unicode phone);
    - hint "unicode": left as it is (the caller has already converted it).
    """
    if not has_burmese(text):
        return EncodingGuess(None, False)
    if hint == "unicode":
        return EncodingGuess("unicode", False)
    hard, soft = _faults(text, shan=_may_be_shan(text))
    converted = sum(_faults(zawgyi_to_unicode(text)))
    if hard + soft == 0:
        if converted:
            return EncodingGuess("unicode", True)
        if zawgyi_to_unicode(text) == unicodedata.normalize("NFC", text):
            return EncodingGuess("unicode", False)  # the same in both encodings: no evidence
        if zawgyi_probability(text) < UNICODE_SURE:
            return EncodingGuess("unicode", False)  # clear enough to overrule a hint, not to forget it
        return EncodingGuess(hint or "unicode", False)
    if converted > hard + soft:
        return EncodingGuess("unicode", False)
    if hint == "zawgyi":
        return EncodingGuess("zawgyi", False)
    probability = zawgyi_probability(text)
    if hard and probability < UNICODE_SURE and not _ZAWGYI_MARKS.search(text):
        return EncodingGuess("unicode", False)  # only stacks Burmese does not write: Mon or Pali (ပ္ဍဲ)
    if converted < hard + soft and (hard or probability > ZAWGYI_THRESHOLD):
        return EncodingGuess("zawgyi", (hard and not converted) or probability >= ZAWGYI_SURE)
    if converted == hard + soft and hard and probability > ZAWGYI_THRESHOLD:
        return EncodingGuess("zawgyi", probability >= ZAWGYI_SURE)
    # Only soft faults that converting does not cure: a careless Unicode
    # keyboard is likelier than Zawgyi, and converting would change letters.
    return EncodingGuess("unicode", False)


def detect_encoding(text: str) -> Encoding | None:
    """Return "zawgyi" or "unicode" for Burmese text, None when there is no Burmese."""
    return guess_encoding(text).encoding


def normalize_text(text: str | None, *, encoding_hint: Encoding | None = None) -> str:
    """Return the text stripped, in Unicode and NFC, converting Zawgyi only when decided so.

    ``encoding_hint`` is the encoding the text's source is known to use (a bot
    conversation that has seen Zawgyi, a file of Zawgyi rows); see guess_encoding.
    """
    if not text:
        return ""
    text = text.strip()
    if guess_encoding(text, hint=encoding_hint).encoding == "zawgyi":
        return zawgyi_to_unicode(text)
    return unicodedata.normalize("NFC", text).replace("\u1036\u102f", "\u102f\u1036")


def document_encoding(texts, *, min_sure: int = 1) -> Encoding | None:
    """Return the encoding a file or conversation has shown for sure, None when unsure or mixed.

    ``min_sure``: how many texts must prove it; one Zawgyi name pasted into a file of short
    Unicode names (``မြမြ``) must not make the whole file Zawgyi.
    """
    sure = [guess.encoding for guess in map(guess_encoding, texts) if guess.sure]
    return sure[0] if len(sure) >= min_sure and len(set(sure)) == 1 else None
