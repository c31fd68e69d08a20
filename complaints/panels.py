"""What complaints adds to the person page and the agency page (registered in ComplaintsConfig.ready)."""
from __future__ import annotations

from complaints import selectors
from helpdesk.selectors import user_can_see_personal_data


def person_panel(request, person) -> dict | None:
    """The person's cases the user may see, and the button to open one."""
    if not user_can_see_personal_data(request.user):
        return None
    return {"complaints": list(selectors.person_complaints(request.user, person)[:50])}


def agency_panel(request, agency) -> dict | None:
    """Complaint counts and MMK recovered for an agency: numbers only, never names.

    Staff also get a link to the cases they may open (the case list applies the usual rules).
    """
    summary = selectors.agency_complaint_summary(agency.pk)
    summary["can_list"] = user_can_see_personal_data(request.user) and summary["total"] > 0
    return summary
