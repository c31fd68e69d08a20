"""The one agency lookup: staff pages, the public page, the JSON endpoint and the bots all call it.

Names are matched with rapidfuzz against an in-process index of comparable
name keys (see ``agencies.names``), rebuilt when the register changes: one
cheap aggregate query per call tells whether it is current, so 5,000 rows are
not read from the database on every query. rapidfuzz runs with
``processor=None``: its default processor strips Burmese vowel signs.
"""
from __future__ import annotations

import copy
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max
from rapidfuzz import fuzz, process

from agencies.models import Agency, normalize_licence_number
from agencies.names import is_burmese, name_key, numbers_in_query, text_without_numbers
from helpdesk.text import normalize_text

MAX_QUERY_LENGTH = 200
# Name matches scoring below this are not shown: they are guesses, not matches.
NAME_SCORE_CUTOFF = 70
NUMBER_EXACT_SCORE = 100  # "123/2019" typed, "123/2019" registered
NUMBER_ONLY_SCORE = 95  # "123" typed, "123/2019" registered
NUMBER_OTHER_YEAR_SCORE = 70  # "123/2021" typed, "123/2019" registered
# Names compared before the final ranking; enough to survive ties among similar names.
NAME_CANDIDATES = 25


@dataclass(frozen=True)
class AgencyMatch:
    agency: Agency
    score: int  # 0-100 confidence
    matched_on: str  # "licence_number" or "name"

    @property
    def status(self) -> str:
        """The agency's effective status (expired derived from the expiry date)."""
        return self.agency.effective_status


class AgencyIndex:
    """An immutable snapshot of the register, keyed for matching."""

    def __init__(self, agencies, version=None):
        self.version = version
        self.agencies: dict[int, Agency] = {}
        self.by_number: dict[str, list[int]] = defaultdict(list)
        self.by_base_number: dict[str, list[int]] = defaultdict(list)
        en_ids, en_keys, my_ids, my_keys = [], [], [], []
        for agency in agencies:
            self.agencies[agency.pk] = agency
            number = agency.licence_number
            self.by_number[number].append(agency.pk)
            self.by_base_number[number.split("/")[0]].append(agency.pk)
            if agency.name_en:
                en_ids.append(agency.pk)
                en_keys.append(name_key(agency.name_en))
            if agency.name_my:
                my_ids.append(agency.pk)
                my_keys.append(name_key(agency.name_my))
        self.names = {"en": (en_ids, en_keys), "my": (my_ids, my_keys)}

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

    def match_names(self, text: str) -> dict[int, int]:
        key = name_key(text)
        burmese = " ".join(word for word in key.split() if is_burmese(word))
        latin = " ".join(word for word in key.split() if not is_burmese(word))
        if burmese and latin:  # "Golden ရွှေကြယ်": each script against the names written in it
            scores = self._match_key(latin, "en")
            for pk, score in self._match_key(burmese, "my").items():
                scores[pk] = max(scores.get(pk, 0), score)
            return scores
        return self._match_key(key, "my" if burmese else "en")

    def _match_key(self, key: str, script: str) -> dict[int, int]:
        if len(key) < 2:
            return {}
        ids, keys = self.names[script]
        # WRatio weighs whole-string, partial and word-order-free (token) similarity.
        found = process.extract(
            key, keys, scorer=fuzz.WRatio, processor=None, limit=NAME_CANDIDATES, score_cutoff=NAME_SCORE_CUTOFF
        )
        scores: dict[int, int] = {}
        for candidate, score, position in found:
            # WRatio ties a name with the query's words in another order and a longer name holding
            # them all (both 95); whole-string similarity, in the typed or in sorted word order,
            # tells them apart. The mean is the confidence.
            whole = max(fuzz.ratio(key, candidate, processor=None), fuzz.token_sort_ratio(key, candidate, processor=None))
            score = round((score + whole) / 2)
            if score >= NAME_SCORE_CUTOFF:
                pk = ids[position]
                scores[pk] = max(scores.get(pk, 0), score)
        return scores

    def lookup(self, query: str, limit: int) -> list[AgencyMatch]:
        matches: dict[int, tuple[int, str]] = {}
        for pk, score in self.match_numbers(query).items():
            matches[pk] = (score, "licence_number")
        name_part = text_without_numbers(query)
        for pk, score in self.match_names(name_part).items():
            if score > matches.get(pk, (0, ""))[0]:
                matches[pk] = (score, "name")
        ranked = sorted(
            matches.items(),
            key=lambda item: (-item[1][0], self.agencies[item[0]].name_en.casefold(), self.agencies[item[0]].licence_number),
        )
        # Copies: callers may not change the index's shared instances.
        return [AgencyMatch(copy.copy(self.agencies[pk]), score, on) for pk, (score, on) in ranked[:limit]]


_index: AgencyIndex | None = None
_lock = threading.Lock()


def _register_version() -> tuple:
    """Return a marker that changes whenever an agency is added, changed or deleted.

    Every write goes through ``save()`` or ``agency_import``, which set ``updated_at``; a bare
    ``QuerySet.update()`` would not, so the register is never written that way.
    """
    row = Agency.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
    return (row["n"], row["latest"])


def agency_index() -> AgencyIndex:
    """Return the current index, rebuilding it when the register has changed since it was built."""
    global _index
    version = _register_version()
    index = _index
    if index is not None and index.version == version:
        return index
    with _lock:
        if _index is None or _index.version != version:
            _index = AgencyIndex(Agency.objects.order_by().iterator(chunk_size=2000), version=version)
        return _index


def invalidate_index() -> None:
    """Forget the index (the next lookup rebuilds it)."""
    global _index
    _index = None


def lookup_agencies(query: str, *, limit: int = 5, encoding_hint: str | None = None) -> list[AgencyMatch]:
    """Return the agencies matching a licence number or a name (English or Burmese, Unicode or Zawgyi), best first.

    ``encoding_hint="zawgyi"`` lets a bot conversation that has seen Zawgyi decide short, ambiguous text.
    """
    query = normalize_text((query or "")[:MAX_QUERY_LENGTH], encoding_hint=encoding_hint)
    if not query:
        return []
    return agency_index().lookup(query, limit)
