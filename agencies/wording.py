"""The verdict in words, English and Burmese, short enough for an SMS: the verdict first, then the detail.

The bots, the public page, the API and the staff form render a verdict with these;
none of them decides anything (``agencies.verdict`` does). A suspended, revoked or
expired licence is never followed by "valid until".
"""
from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from agencies.models import Agency, LicenceStatus
from agencies.names import is_burmese, without_company_form
from agencies.verdict import Verdict, VerdictKind

LICENSED_UNTIL = _("Licensed until %(date)s: %(name)s, licence %(number)s.")
LICENSED = _("Licensed: %(name)s, licence %(number)s.")
EXPIRED = _("Licence EXPIRED on %(date)s: %(name)s, licence %(number)s. Do not pay.")
SUSPENDED = _("Licence SUSPENDED: %(name)s, licence %(number)s. Do not pay.")
SUSPENDED_SINCE = _("Licence SUSPENDED since %(date)s: %(name)s, licence %(number)s. Do not pay.")
REVOKED = _("Licence REVOKED: %(name)s, licence %(number)s. Do not pay.")
REVOKED_SINCE = _("Licence REVOKED since %(date)s: %(name)s, licence %(number)s. Do not pay.")
PARTIAL = _("You typed part of the name: check the full name and licence number on your papers.")
AMBIGUOUS = _("%(count)s agencies fit this name. Check the licence number on your contract:")
AMBIGUOUS_MORE = _("and %(count)s more: type the full name or the licence number.")
NOT_FOUND = _("NOT on the Ministry's list: do not pay. An agency not on the list has no licence.")
SIMILAR = _("Similar names on the list (these are different agencies):")

STATUS_UNTIL = _("licensed until %(date)s")
STATUS_SHORT = {
    LicenceStatus.LICENSED: _("licensed"),
    LicenceStatus.SUSPENDED: _("SUSPENDED"),
    LicenceStatus.REVOKED: _("REVOKED"),
    LicenceStatus.EXPIRED: _("EXPIRED"),
}

SHOWN = 3  # agencies listed in an ambiguous or similar answer (SMS length)
MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
MONTHS_MY = "ဇန်နဝါရီ ဖေဖော်ဝါရီ မတ် ဧပြီ မေ ဇွန် ဇူလိုင် ဩဂုတ် စက်တင်ဘာ အောက်တိုဘာ နိုဝင်ဘာ ဒီဇင်ဘာ".split()
BURMESE_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


def short_date(day: date, language: str) -> str:
    """Return "14 Jun 2028", or "၁၄ ဇွန် ၂၀၂၈" in Burmese (no locale formats ship for Burmese)."""
    if language == "my":
        return f"{day.day} {MONTHS_MY[day.month - 1]} {day.year}".translate(BURMESE_DIGITS)
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def agency_name(agency: Agency, burmese: bool) -> str:
    """Return the agency's name in the script the reader typed (the other when it has none), without "Co., Ltd."."""
    first, second = (agency.name_my, agency.name_en) if burmese else (agency.name_en, agency.name_my)
    return without_company_form(first or second)


def _count(number: int, language: str) -> str:
    return str(number).translate(BURMESE_DIGITS) if language == "my" else str(number)


def status_phrase(agency: Agency, status: str, language: str) -> str:
    """Return the short status of one agency in a list: "licensed until 14 Jun 2028", "REVOKED", ..."""
    with override(language):
        if status == LicenceStatus.LICENSED and agency.expiry_date:
            return str(STATUS_UNTIL) % {"date": short_date(agency.expiry_date, language)}
        return str(STATUS_SHORT[status])


def headline(verdict: Verdict, language: str) -> str:
    """Return the verdict's first sentence: what a migrant must read even if they read nothing else."""
    with override(language):
        if verdict.kind == VerdictKind.NOT_FOUND:
            return str(NOT_FOUND)
        if verdict.kind == VerdictKind.AMBIGUOUS:
            return str(AMBIGUOUS) % {"count": _count(len(verdict.candidates), language)}
        agency, status = verdict.agency, verdict.status
        params = {"name": agency_name(agency, is_burmese(verdict.query)), "number": agency.licence_number}
        if status == LicenceStatus.LICENSED:
            if agency.expiry_date:
                return str(LICENSED_UNTIL) % {**params, "date": short_date(agency.expiry_date, language)}
            return str(LICENSED) % params
        if status == LicenceStatus.EXPIRED:
            return str(EXPIRED) % {**params, "date": short_date(agency.expiry_date, language)}
        if verdict.since:
            message = SUSPENDED_SINCE if status == LicenceStatus.SUSPENDED else REVOKED_SINCE
            return str(message) % {**params, "date": short_date(verdict.since, language)}
        return str(SUSPENDED if status == LicenceStatus.SUSPENDED else REVOKED) % params


def listed(matches, verdict: Verdict, language: str) -> list[str]:
    """Return numbered lines "1. Name, 123/2019: REVOKED" for agencies listed under a verdict."""
    burmese = is_burmese(verdict.query)
    return [
        f"{n}. {agency_name(m.agency, burmese)}, {m.agency.licence_number}: {status_phrase(m.agency, m.status, language)}"
        for n, m in enumerate(matches[:SHOWN], start=1)
    ]


def verdict_lines(verdict: Verdict, language: str) -> list[str]:
    """Return the whole answer as lines, the verdict first (the bots add the centre's phone)."""
    lines = [headline(verdict, language)]
    with override(language):
        if verdict.kind == VerdictKind.AMBIGUOUS:
            lines += listed(verdict.candidates, verdict, language)
            if len(verdict.candidates) > SHOWN:
                lines.append(str(AMBIGUOUS_MORE) % {"count": _count(len(verdict.candidates) - SHOWN, language)})
        elif verdict.kind == VerdictKind.NOT_FOUND and verdict.similar:
            lines.append(str(SIMILAR))
            lines += listed(verdict.similar, verdict, language)
        elif verdict.partial:
            lines.append(str(PARTIAL))
    return lines
