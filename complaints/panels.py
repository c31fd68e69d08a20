"""What complaints adds to the person page and the agency page (registered in ComplaintsConfig.ready)."""
from __future__ import annotations

from django.db.models import Count, Q, Window
from django.utils import timezone

from complaints import selectors
from complaints.models import ComplaintMember
from complaints.money import format_mmk
from helpdesk.selectors import user_can_see_personal_data

CARD_CASES_SHOWN = 5  # the latest cases printed on the beneficiary card, so it stays on one page


def person_panel(request, person) -> dict | None:
    """The person's cases the user may see, and the button to open one."""
    if not user_can_see_personal_data(request.user):
        return None
    return {"complaints": list(selectors.person_complaints(request.user, person)[:50])}


def card_rows(user, person) -> tuple[list[tuple[str, ...]], int]:
    """The beneficiary card's latest cases the user may see, and how many they may see (one query).

    A sensitive case the user may not open is in neither: not even its existence shows. Group cases the
    person joined count too (the amount shown is the case's).
    """
    joined = ComplaintMember.objects.filter(person=person).values("complaint_id")
    cases = list(
        selectors.visible_complaints(user).filter(Q(complainant=person) | Q(pk__in=joined)).with_recovered()
        .annotate(visible_total=Window(Count("id")))  # counted before the LIMIT, over the visible cases only
        .only("reference", "stage", "opened_at").order_by("-opened_at", "-id")[:CARD_CASES_SHOWN]
    )
    rows = [
        (c.reference, f"{timezone.localtime(c.opened_at):%Y-%m-%d}", c.get_stage_display(), format_mmk(c.recovered))
        for c in cases
    ]
    return rows, cases[0].visible_total if cases else 0


def agency_panel(request, agency) -> dict | None:
    """Complaint counts and MMK recovered for an agency: numbers only, never names.

    Staff also get a link to the cases they may open (the case list applies the usual rules).
    """
    summary = selectors.agency_complaint_summary(agency.pk)
    summary["can_list"] = user_can_see_personal_data(request.user) and summary["total"] > 0
    return summary
