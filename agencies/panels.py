"""Agency checks on helpdesk pages: the report section (aggregates) and the person-page panel."""
from __future__ import annotations

from agencies.selectors import COUNT_KEYS, agency_check_counts, agency_checks_for_person


def report_section(request, report) -> dict:
    """Counts per centre for the report's period, centres and channel; aggregates only, no names."""
    centre_ids = list(report.centres().values_list("pk", flat=True)) if report.restricted else None
    rows = agency_check_counts(request.user, start=report.start, end=report.end, centre_ids=centre_ids, channel=report.channel)
    totals = {key: sum(row[key] for row in rows) for key in COUNT_KEYS}
    return {"rows": rows, "totals": totals}


def person_panel(request, person) -> dict | None:
    """The agencies checked for this person, on the person page; hidden when there are none."""
    checks = agency_checks_for_person(person)
    return {"checks": checks} if checks else None
