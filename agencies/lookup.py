"""The agency index and the ranked lookup; ``agencies.verdict`` decides on what it finds.

An in-process index of the register, rebuilt when the register changes (its version
is cached and bumped on write, ``agencies.register``, so a call reads no table and
5,000 rows are not read from the database on every query), holds each name's words (``agencies.names``) for
finding every agency a query fits (``agencies.matching``), and comparable name keys
for rapidfuzz, which finds look-alikes and ranks. rapidfuzz runs with
``processor=None``: its default processor strips Burmese vowel signs.
"""
from __future__ import annotations

import bisect
import copy
import dataclasses
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from agencies.matching import PREFIX_MIN_LENGTH, NameFit, name_fit, word_similarity
from agencies.models import Agency, normalize_licence_number
from agencies.names import (
    NameTokens,
    consonants,
    is_burmese,
    name_key,
    name_tokens,
    numbers_in_query,
    skeleton,
    text_without_numbers,
)
from agencies.register import CACHE_KEY, register_version
from helpdesk.text import normalize_text

MAX_QUERY_LENGTH = 200
# Name matches scoring below this are not shown: they are guesses, not matches.
NAME_SCORE_CUTOFF = 70
NUMBER_EXACT_SCORE = 100  # "123/2019" typed, "123/2019" registered
NUMBER_ONLY_SCORE = 95  # "123" typed, "123/2019" registered
NUMBER_OTHER_YEAR_SCORE = 70  # "123/2021" typed, "123/2019" registered
# Names compared before the final ranking; enough to survive ties among similar names.
NAME_CANDIDATES = 25
# Look-alikes are scored among the names sharing at least this share of the words typed (then any).
POOL_SHARE = 0.5
# ... until this many score (the five a caller shows); else every name.
POOL_ENOUGH = 5
# A word in at least this many agencies, and this share of the register, is boilerplate.
COMMON_MIN_AGENCIES = 10
COMMON_SHARE = 0.2


@dataclass(frozen=True)
class AgencyMatch:
    agency: Agency
    score: int  # 0-100 likeness of the whole name (or number), for ranking and display
    matched_on: str  # "licence_number" or "name"
    fit: NameFit | None = None  # the query's distinctive words are all in this name (agencies.matching)
    number_fit: bool = False  # the licence number typed is this agency's (with its year, or the only one)

    @property
    def status(self) -> str:
        """The agency's effective status (expired derived from the expiry date)."""
        return self.agency.effective_status

    @property
    def rank(self) -> int:
        """How the query names this agency: 5 by its licence number ... 1 by part of its name, 0 only alike."""
        if self.number_fit:
            return 5
        if self.fit is None:
            return 0
        return 1 + 2 * self.fit.full + self.fit.exact


class AgencyIndex:
    """An immutable snapshot of the register, keyed for matching."""

    def __init__(self, agencies, version=None):
        self.version = version
        self.agencies: dict[int, Agency] = {}
        self.tokens: dict[int, NameTokens] = {}
        self.keys: dict[int, tuple[str, str]] = {}
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_base_number: dict[str, list[int]] = defaultdict(list)
        self.by_word: dict[str, set[int]] = defaultdict(set)
        self.by_joined: dict[str, set[int]] = defaultdict(set)
        en_ids, en_keys, my_ids, my_keys = [], [], [], []
        for agency in agencies:
            self.agencies[agency.pk] = agency
            number = agency.licence_number
            self.by_number[number].append(agency.pk)
            self.by_base_number[number.split("/")[0]].append(agency.pk)
            en, my = name_tokens(agency.name_en), name_tokens(agency.name_my)
            en_key, my_key = (en.key if agency.name_en else ""), (my.key if agency.name_my else "")
            self.keys[agency.pk] = (en_key, my_key)
            if en_key:
                en_ids.append(agency.pk)
                en_keys.append(en_key)
            if my_key:
                my_ids.append(agency.pk)
                my_keys.append(my_key)
            tokens = NameTokens(latin=en.latin + my.latin, burmese=en.burmese + my.burmese, weak=en.weak | my.weak)
            self.tokens[agency.pk] = tokens
            for word in {*tokens.latin, *tokens.burmese}:
                self.by_word[word].add(agency.pk)
            for joined in _joined_keys(tokens):
                self.by_joined[joined].add(agency.pk)
        self.names = {"en": (en_ids, en_keys), "my": (my_ids, my_keys)}
        # Where each agency's key sits in its script's list: the fuzzy pass scores a pool in register order.
        self.positions = {script: {pk: i for i, pk in enumerate(ids)} for script, (ids, _keys) in self.names.items()}
        # Words so many agencies share that they say little about which one is meant.
        threshold = max(COMMON_MIN_AGENCIES, COMMON_SHARE * len(self.agencies))
        self.common = frozenset(word for word, pks in self.by_word.items() if len(pks) >= threshold)
        # The vocabulary, to find every word a typed word may be (agencies.matching.word_similarity).
        self.latin_words = sorted(word for word in self.by_word if not is_burmese(word))
        self.by_letters: dict[str, set[str]] = defaultdict(set)  # Burmese: skeleton / consonants -> syllables
        for word in self.by_word:
            if is_burmese(word):
                self.by_letters["s" + skeleton(word)].add(word)
                self.by_letters["c" + consonants(word)].add(word)

    def match_numbers(self, query: str) -> dict[int, int]:
        scores: dict[int, int] = {}
        exact = normalize_licence_number(query)
        for pk in self.by_number.get(exact, ()):
            scores[pk] = NUMBER_EXACT_SCORE
        for number, year in numbers_in_query(query):
            if year:
                full_year = year if len(year) == 4 else f"20{year}"
                for pk in self.by_number.get(f"{number}/{full_year}", ()):
                    scores[pk] = NUMBER_EXACT_SCORE
            for pk in self.by_base_number.get(number, ()):
                scores.setdefault(pk, NUMBER_OTHER_YEAR_SCORE if year else NUMBER_ONLY_SCORE)
        return scores

    def match_names(self, text: str, pool: set[int] | None = None) -> dict[int, int]:
        """Return {agency: likeness} for the names like ``text``: among ``pool`` when given, else every name."""
        key = name_key(text)
        burmese = " ".join(word for word in key.split() if is_burmese(word))
        latin = " ".join(word for word in key.split() if not is_burmese(word))
        if burmese and latin:  # "Golden ရွှေကြယ်": each script against the names written in it
            scores = self._match_key(latin, "en", pool)
            for pk, score in self._match_key(burmese, "my", pool).items():
                scores[pk] = max(scores.get(pk, 0), score)
            return scores
        return self._match_key(key, "my" if burmese else "en", pool)

    def _match_key(self, key: str, script: str, pool: set[int] | None = None) -> dict[int, int]:
        if len(key) < 2:
            return {}
        ids, keys = self.names[script]
        if pool is not None:  # the pool's names of this script, in register order (ties rank as in the full pass)
            positions = self.positions[script]
            at = sorted(positions[pk] for pk in pool if pk in positions)
            ids, keys = [ids[i] for i in at], [keys[i] for i in at]
        # WRatio weighs whole-string, partial and word-order-free (token) similarity.
        found = process.extract(
            key, keys, scorer=fuzz.WRatio, processor=None, limit=NAME_CANDIDATES, score_cutoff=NAME_SCORE_CUTOFF
        )
        scores: dict[int, int] = {}
        for candidate, score, position in found:
            pk = ids[position]
            scores[pk] = max(scores.get(pk, 0), _likeness(key, candidate, score))
        return scores

    def _words_like(self, typed: str) -> set[str]:
        """Return every word of the register that ``typed`` may be: itself, a typo of it, its start."""
        if is_burmese(typed):
            found = self.by_letters.get("s" + skeleton(typed), set()) | self.by_letters.get("c" + consonants(typed), set())
        else:
            found = {word for word, _score, _i in process.extract(
                typed, self.latin_words, scorer=DamerauLevenshtein.distance, score_cutoff=2, limit=None
            )}
            if len(typed) >= PREFIX_MIN_LENGTH:
                start = bisect.bisect_left(self.latin_words, typed)
                end = bisect.bisect_left(self.latin_words, typed + "\uffff")
                found.update(self.latin_words[start:end])
        return {word for word in found if word_similarity(typed, word)}

    def _having(self, tokens: NameTokens) -> dict[str, set[int]]:
        """Return {each word typed: the agencies whose name has it, a typo of it or a word it starts}."""
        having = {}
        for word in {*tokens.latin, *tokens.burmese}:
            found = set()
            for like in self._words_like(word):
                found |= self.by_word[like]
            having[word] = found
        return having

    def _fitting(self, tokens: NameTokens, having: dict[str, set[int]] | None = None) -> set[int]:
        """Return every agency whose name has a word for each distinctive word typed, or the words run together.

        Complete, unlike a fuzzy top-N: no agency the query fits is left out, so none is wrongly "clearly named".
        """
        having = self._having(tokens) if having is None else having
        typed = [word for word in (*tokens.latin, *tokens.burmese) if word not in self.common]
        found: set[int] | None = None
        for word in sorted(set(typed), key=lambda w: len(self.by_word.get(w, ())) or 1):
            found = having[word] if found is None else found & having[word]
            if not found:
                break
        found = found or set()
        for joined in _joined_keys(tokens):
            found |= self.by_joined.get(joined, set())
        return found

    def _alike(self, name_part: str, tokens: NameTokens, having: dict[str, set[int]]) -> dict[int, int]:
        """Return {agency: likeness} for the names most like the name typed, scoring few of the 5,000.

        WRatio over every name costs 5-15 ms a query. A name WRatio finds alike shares words with the
        query (a word, a typo of it, a Burmese syllable with the same letters; agencies.matching), so the
        names sharing at least half the words typed are scored first; if fewer than ``POOL_ENOUGH`` of them
        score 70, the names sharing any word; only if none of those scores (no word typed is in the
        register), every name, as before.
        """
        shared = Counter(chain.from_iterable(having.values()))
        joined = set().union(*(self.by_joined.get(key, set()) for key in _joined_keys(tokens)))
        need = max(1, math.ceil(POOL_SHARE * len(having)))
        pools = [{pk for pk, n in shared.items() if n >= need} | joined]
        if need > 1:
            pools.append(set(shared) | joined)
        scores: dict[int, int] = {}
        for pool in pools:
            scores = self.match_names(name_part, pool) if pool else {}
            if len(scores) >= POOL_ENOUGH:
                return scores
        return scores or self.match_names(name_part)

    def _score(self, pk: int, text: str) -> int:
        """Return the likeness of one agency's name to ``text`` (for agencies found by their words)."""
        key = name_key(text)
        best = 0
        for candidate in self.keys[pk]:
            if candidate and key:
                best = max(best, _likeness(key, candidate, fuzz.WRatio(key, candidate, processor=None)))
        return best

    def lookup(self, query: str, limit: int | None, *, alike: bool = True) -> list[AgencyMatch]:
        """Return the agencies the query names or resembles, those it names first; ties in licence number order.

        ``alike=False`` skips the fuzzy search over every name: only the agencies the words typed fit
        (the verdict runs the fuzzy search only when none does, for the look-alikes).
        """
        numbers = self.match_numbers(query)
        name_part = text_without_numbers(query)
        tokens = name_tokens(name_part)
        having = self._having(tokens) if tokens else {}
        fitting = self._fitting(tokens, having) if tokens else set()
        scores = self._alike(name_part, tokens, having) if alike else {}
        candidates = set(scores) | set(numbers) | fitting
        matches = []
        for pk in candidates:
            fit = name_fit(tokens, self.tokens[pk], self.common) if tokens else None
            number_score = numbers.get(pk, 0)
            name_score = scores.get(pk) or (self._score(pk, name_part) if fit else 0)
            if fit is None and max(number_score, name_score) < NAME_SCORE_CUTOFF:
                continue
            on = "licence_number" if number_score >= name_score else "name"
            matches.append(
                AgencyMatch(
                    self.agencies[pk], max(number_score, name_score), on, fit=fit,
                    number_fit=number_score >= NUMBER_ONLY_SCORE,
                )
            )
        matches.sort(key=lambda m: (-m.rank, -(m.fit.weak if m.fit else 0), -m.score, m.agency.licence_number))
        kept = matches if limit is None else matches[:limit]
        # Copies of what is returned: callers may not change the index's shared instances.
        return [dataclasses.replace(m, agency=copy.copy(m.agency)) for m in kept]


def _joined_keys(tokens: NameTokens) -> list[str]:
    """Return the distinctive words run together: "goldenstar", and Burmese without its easily dropped marks."""
    keys = []
    if tokens.latin:
        keys.append("l" + "".join(tokens.latin))
    if tokens.burmese:
        keys.append("m" + skeleton("".join(tokens.burmese)))
    return keys


def _likeness(key: str, candidate: str, wratio: float) -> int:
    """Return the mean of WRatio and the whole-string similarity (in typed or sorted word order).

    WRatio ties a name with the query's words in another order and a longer name holding them all
    (both 95); whole-string similarity tells them apart.
    """
    whole = max(fuzz.ratio(key, candidate, processor=None), fuzz.token_sort_ratio(key, candidate, processor=None))
    return round((wratio + whole) / 2)


_index: AgencyIndex | None = None
_lock = threading.Lock()


def agency_index() -> AgencyIndex:
    """Return the current index, rebuilding it when the register has changed since it was built."""
    global _index
    version = register_version()
    index = _index
    if index is not None and index.version == version:
        return index
    with _lock:
        if _index is None or _index.version != version:
            _index = AgencyIndex(Agency.objects.order_by().iterator(chunk_size=2000), version=version)
        return _index


def invalidate_index() -> None:
    """Forget the index and the cached register version (the next lookup rebuilds it)."""
    from django.core.cache import cache

    global _index
    _index = None
    cache.delete(CACHE_KEY)


def lookup_agencies(query: str, *, limit: int | None = 5, encoding_hint: str | None = None) -> list[AgencyMatch]:
    """Return the agencies matching a licence number or a name (English or Burmese, Unicode or Zawgyi), best first.

    Ranked, not decided: whether the query names one of them is ``agencies.verdict.agency_verdict``'s call.
    ``encoding_hint="zawgyi"`` lets a bot conversation that has seen Zawgyi decide short, ambiguous text.
    """
    query = normalize_text((query or "")[:MAX_QUERY_LENGTH], encoding_hint=encoding_hint)
    if not query:
        return []
    return agency_index().lookup(query, limit)
