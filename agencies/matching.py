"""How well a query fits one agency's name, word by word (the evidence ``agencies.verdict`` decides on).

A global fuzzy score says "Golden Sea" is 80% like "Golden Star"; a migrant needs to
hear that they are different agencies. So every distinctive word of the query must
find its own word in the name (exactly, or with a typo a person makes, never a
different word): one distinctive word that finds none is strong evidence that the
query names another agency. Boilerplate words (Co., Ltd., Manpower, ကုမ္ပဏီလီမိတက်, and
words a large share of the register has) are weak evidence: they only break ties.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from agencies.names import NameTokens, consonants, skeleton

EXACT = 100
# Latin words: one typo (a letter left out, added, changed, or two swapped) in a word of three letters
# or more ("starr", "myt", "kywa"), two in a word of six or more ("brtohrrs"). Each costs 10 points.
LATIN_TYPO_LENGTHS = {1: 3, 2: 6}
# Romanised Burmese names are short syllables a letter apart (Win, Zin, Min, Lin): in words this short
# a letter left out, added or swapped is a typo, a letter changed is another name.
SHORT_WORD = 4
# A Latin word of four letters or more typed as the start of a longer word ("Ayeyar" for "Ayeyarwady").
PREFIX_MIN_LENGTH = 4
PREFIX = 85
# Burmese syllables: the same letters without tones, asat or ha-htoe; or the same consonants with one
# vowel or medial changed ("ကျာ" for "ကြာ", "တိ" for "တီ"; not "မောင်" for "မင်း"). Other consonants are another word: "ငွေ" is not "ရွှေ",
# "မြစ်" (river) is not "မြန်".
BURMESE_SKELETON = 90
BURMESE_TYPO = 80
# Latin words run together ("goldenstar") or split ("gold en star"): the letters without spaces.
JOINED_TYPO = 92


@dataclass(frozen=True)
class NameFit:
    """The query fits the name: every distinctive query word found its own word in it.

    ``full``: every distinctive word of the name was typed too (else the query is part of the name).
    ``exact``: every word matched letter for letter (else with typos or as a prefix).
    ``weak``: boilerplate words typed that the name has, minus those it has not.
    """

    full: bool
    exact: bool
    weak: int


def word_similarity(typed: str, word: str) -> int:
    """Return 0-100: how surely ``typed`` is ``word`` (0 when it is another word)."""
    if typed == word:
        return EXACT
    if "\u1000" <= typed[0] <= "\u109f":
        if skeleton(typed) == skeleton(word):
            return BURMESE_SKELETON
        same_letters = consonants(typed) == consonants(word)
        return BURMESE_TYPO if same_letters and DamerauLevenshtein.distance(typed, word, score_cutoff=1) <= 1 else 0
    if len(typed) >= PREFIX_MIN_LENGTH and word.startswith(typed):
        return PREFIX
    shorter = min(len(typed), len(word))
    distance = DamerauLevenshtein.distance(typed, word, score_cutoff=2)
    if distance > 2 or shorter < LATIN_TYPO_LENGTHS[distance]:
        return 0
    if shorter <= SHORT_WORD and len(typed) == len(word) and sorted(typed) != sorted(word):
        return 0  # a letter changed in a short word is another name: "Zin" is not "Win"
    return EXACT - 10 * distance


def _align(typed: tuple[str, ...], words: tuple[str, ...]) -> tuple[bool, bool, bool] | None:
    """Pair each typed word with its own word of the name; None when one finds none.

    Returns (full, exact, typo): every word of the name was paired, every pair is letter for letter,
    some pair is a typo (not a start of a word).
    """
    free = list(words)
    exact, typo = True, False
    for word in sorted(typed, key=len, reverse=True):
        best, best_score = -1, 0
        for position, candidate in enumerate(free):
            score = word_similarity(word, candidate)
            if score > best_score:
                best, best_score = position, score
        if best < 0:
            return None
        exact = exact and best_score == EXACT
        typo = typo or best_score not in (EXACT, PREFIX)
        free.pop(best)
    return not free, exact, typo


def _joined(typed: tuple[str, ...], words: tuple[str, ...], burmese: bool) -> tuple[bool, bool, bool] | None:
    """Compare the whole name without spaces: "goldenstar", "ရွှေကြယ" (asat dropped, syllables shift)."""
    if burmese:
        return (True, False, True) if skeleton("".join(typed)) == skeleton("".join(words)) else None
    typed_text, name_text = "".join(typed), "".join(words)
    if len(typed) == len(words) == 1:
        return None  # one word each: word_similarity has decided
    if typed_text == name_text or (len(typed_text) >= 8 and fuzz.ratio(typed_text, name_text) >= JOINED_TYPO):
        return True, False, True  # spaced differently: a typo, not the name as registered
    return None


def name_fit(query: NameTokens, name: NameTokens, common: frozenset[str] = frozenset()) -> NameFit | None:
    """Return how ``query`` fits ``name``, or None when a distinctive word typed is not in the name.

    ``common`` are words so many agencies of the register share that they count as boilerplate.
    """
    typed_weak = set(query.weak)
    full_any, exact_all, typo_any, any_script = False, True, False, False
    for typed_all, words_all, burmese in ((query.latin, name.latin, False), (query.burmese, name.burmese, True)):
        typed = tuple(word for word in typed_all if word not in common)
        typed_weak.update(word for word in typed_all if word in common)
        if not typed:
            continue
        any_script = True
        words = tuple(word for word in words_all if word not in common)
        aligned = _align(typed, words)
        if aligned is None or not aligned[0]:
            joined = _joined(typed, words_all, burmese)
            if joined is not None and (aligned is None or joined[0]):
                aligned = joined
        if aligned is None:
            return None
        full, exact, typo = aligned
        full_any = full_any or full
        exact_all = exact_all and exact
        typo_any = typo_any or typo
    if not any_script:
        return None  # nothing distinctive typed: "Overseas Employment Agency" names no one
    if typo_any and not full_any:
        return None  # part of a name, and misspelt: too little to say which agency it is
    name_weak = name.weak | (frozenset(name.latin + name.burmese) & common)
    weak = sum(1 if word in name_weak else -1 for word in typed_weak)
    return NameFit(full=full_any, exact=exact_all, weak=weak)
