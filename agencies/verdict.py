"""The answer to "is this agency licensed?": decided here once, rendered by the bots, pages, API and forms.

- ``licensed``: one agency is clearly the one named and its licence is valid;
- ``not_licensed``: clearly named, but suspended, revoked or expired;
- ``ambiguous``: two or more agencies fit the query equally well (same name, or the
  words typed are in several names): each is listed with its own status;
- ``not_found``: no agency is clearly the one named. Similar names may be shown, as
  different agencies, never as the answer.

"Clearly named" is decided on the distinctive words (``agencies.matching``), never on
a global fuzzy score, and a tie is never broken by alphabet: a query fits one agency
better than another only when it typed all of its name and a part of the other's, or
the same words and more of the boilerplate the one has. Licence numbers match exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils import timezone

from agencies.lookup import MAX_QUERY_LENGTH, AgencyIndex, AgencyMatch, agency_index
from agencies.models import Agency, LicenceStatus
from helpdesk.text import ZAWGYI_THRESHOLD, has_burmese, normalize_text, zawgyi_probability

# Zawgyi probabilities between these are a guess: the query is also read in the other encoding.
UNSURE = (0.05, 0.95)


class VerdictKind(StrEnum):
    LICENSED = "licensed"
    NOT_LICENSED = "not_licensed"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    query: str
    match: AgencyMatch | None = None  # the agency clearly named
    candidates: list[AgencyMatch] = field(default_factory=list)  # ambiguous: every agency that fits equally
    similar: list[AgencyMatch] = field(default_factory=list)  # not found: alike, but different agencies
    results: list[AgencyMatch] = field(default_factory=list)  # ranked, as lookup_agencies (the API's "results")
    since: date | None = None  # not licensed: when the licence expired, or was suspended/revoked if the history tells

    @property
    def agency(self) -> Agency | None:
        return self.match.agency if self.match else None

    @property
    def status(self) -> str:
        return self.match.status if self.match else ""

    @property
    def partial(self) -> bool:
        """Named by part of its name only: the reader should compare the full name with their papers."""
        return self.match is not None and not self.match.number_fit and self.match.fit is not None and not self.match.fit.full

    def same_as_query(self, match: AgencyMatch) -> bool:
        """Return True for the agency named and, when ambiguous, for each agency that fits equally."""
        pk = match.agency.pk
        return (self.agency is not None and self.agency.pk == pk) or any(c.agency.pk == pk for c in self.candidates)


def _beats(one: AgencyMatch, other: AgencyMatch) -> bool:
    """Return True when the query names ``one`` more clearly than ``other`` (never by alphabet)."""
    if other.rank == 0:
        return True
    if one.number_fit or other.number_fit:
        # The licence number typed wins, unless the name typed with it is another agency's.
        return one.number_fit and not other.number_fit and (other.fit is None or one.fit is not None)
    a, b = one.fit, other.fit
    if a.full and not b.full:
        return a.exact or not b.exact  # all of one name beats part of another, unless only the part was exact
    return a.full == b.full and a.exact == b.exact and a.weak > b.weak


def _best(fits: list[AgencyMatch]) -> list[AgencyMatch]:
    """Return the fits no other fit beats (one: that agency is named; several: they tie)."""
    # Whether one fit beats another depends only on how it fits: compare each kind of fit once.
    kinds = {(m.number_fit, m.fit): m for m in fits}
    unbeaten = {kind for kind, one in kinds.items() if not any(_beats(other, one) for other in kinds.values() if other is not one)}
    return [m for m in fits if (m.number_fit, m.fit) in unbeaten]


def _since(match: AgencyMatch) -> date | None:
    """Return since when the agency is not licensed, when known: the expiry date, or the day the register changed to it."""
    agency, status = match.agency, match.status
    if status == LicenceStatus.EXPIRED:
        return agency.expiry_date
    if status == LicenceStatus.LICENSED:
        return None
    changed = None
    for record_status, when in agency.history.order_by("-history_date", "-history_id").values_list("status", "history_date")[:50]:
        if record_status != status:
            return changed
        changed = timezone.localdate(when)  # the day in Yangon, not in UTC (they differ from 17:30 UTC)
    return None  # registered with this status: the day it began is not known


def _readings(query: str, encoding_hint: str | None) -> tuple[str, str | None, bool]:
    """Return (the query in Unicode as detected, the other reading, whether the detector is unsure).

    Short Burmese is often ambiguous: Unicode "အမြဲစိမ်း" scores 0.67 as Zawgyi, and converting it garbles it.
    """
    raw = (query or "")[:MAX_QUERY_LENGTH]
    if encoding_hint or not has_burmese(raw):
        return normalize_text(raw, encoding_hint=encoding_hint), None, False
    probability = zawgyi_probability(raw)
    detected, other = ("zawgyi", "unicode") if probability > ZAWGYI_THRESHOLD else ("unicode", "zawgyi")
    text, other_text = normalize_text(raw, encoding_hint=detected), normalize_text(raw, encoding_hint=other)
    return text, (other_text if other_text != text else None), UNSURE[0] < probability < UNSURE[1]


def _decide(index: AgencyIndex, text: str) -> tuple[list[AgencyMatch], list[AgencyMatch]]:
    """Return (the agencies the text names best, all ranked).

    First only the agencies the words typed fit; when none does, the fuzzy search over every name
    too (it finds the look-alikes to show, and names typed with odd spacing).
    """
    ranked = index.lookup(text, None, alike=False)
    best = _best([match for match in ranked if match.rank])
    if not best:
        ranked = index.lookup(text, None)
        best = _best([match for match in ranked if match.rank])
    return best, ranked


def agency_verdict(query: str, *, limit: int = 5, encoding_hint: str | None = None) -> Verdict:
    """Decide whether ``query`` (a name in any script/encoding, or a licence number) names one agency, and its licence.

    ``results`` holds up to ``limit`` ranked matches; the verdict itself looks at all of them.
    ``encoding_hint`` ("unicode"/"zawgyi") is for callers that know the writer's encoding; without
    it, Burmese the detector is unsure of (or that names no agency as detected) is read both ways:
    named in one reading only, it is read that way; naming different agencies in each, it is ambiguous.
    """
    text, other, unsure = _readings(query, encoding_hint)
    if not text:
        return Verdict(VerdictKind.NOT_FOUND, text)
    index = agency_index()
    best, ranked = _decide(index, text)
    if other and (unsure or not best):
        other_best, other_ranked = _decide(index, other)
        if other_best and not best:
            text, best, ranked = other, other_best, other_ranked
        elif other_best and {m.agency.pk for m in other_best} != {m.agency.pk for m in best}:
            known = {m.agency.pk for m in best}
            best = best + [m for m in other_best if m.agency.pk not in known]
    results = ranked[:limit]
    if not best:
        return Verdict(VerdictKind.NOT_FOUND, text, similar=ranked[:limit], results=results)
    if len(best) > 1:
        return Verdict(VerdictKind.AMBIGUOUS, text, candidates=best, results=results)
    named = best[0]
    if named.status == LicenceStatus.LICENSED:
        return Verdict(VerdictKind.LICENSED, text, match=named, results=results)
    return Verdict(VerdictKind.NOT_LICENSED, text, match=named, results=results, since=_since(named))
