"""The dashboard's own panel (people served this quarter so far against last year) and the shared periods.

The other panels come from the apps to the right of helpdesk through
``helpdesk.extensions.register_dashboard_panel``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.models import Contact
from helpdesk.periods import quarter_bounds
from helpdesk.reports.access import report_centres_for_user
from helpdesk.reports.table import BY_QUARTER
from helpdesk.selectors import user_can_see_reports


@dataclass(frozen=True)
class QuarterSoFar:
    """This quarter from its first day to today, and the same days of the same quarter a year earlier (Yangon dates)."""

    start: date
    end: date
    last_start: date
    last_end: date

    def report_query(self, centre_id: int | None = None, *, last: bool = False) -> str:
        """The report pages' query string for this period (or last year's), for one centre or all of the user's."""
        start, end = (self.last_start, self.last_end) if last else (self.start, self.end)
        params = [("start", start.isoformat()), ("end", end.isoformat()), ("by", BY_QUARTER)]
        if centre_id is not None:
            params.append(("centres", str(centre_id)))
        return urlencode(params)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def quarter_so_far(today: date | None = None) -> QuarterSoFar:
    today = today or timezone.localdate()
    start, _end = quarter_bounds(today)
    return QuarterSoFar(start=start, end=today, last_start=_year_earlier(start), last_end=_year_earlier(today))


@dataclass(frozen=True)
class ComparisonRow:
    """One centre (or the total): each figure this year and last year, and the report page to read more."""

    label: str
    cells: tuple[tuple[object, object], ...]
    url: str = ""


def comparison_context(title: str, columns: list[str], rows: list[ComparisonRow], period: QuarterSoFar) -> dict:
    return {"title": title, "columns": columns, "rows": rows, "period": period}


def contacts_by_centre(period: QuarterSoFar, centre_ids: list[int]) -> dict[int, dict[str, int]]:
    """Contacts and distinct registered people per centre, this quarter so far and last year's same days (one query)."""
    this = Q(date__gte=period.start, date__lte=period.end)
    last = Q(date__gte=period.last_start, date__lte=period.last_end)
    rows = (
        Contact.objects.filter(centre_id__in=centre_ids).filter(this | last).order_by().values("centre_id")
        .annotate(
            contacts=Count("id", filter=this), contacts_last=Count("id", filter=last),
            people=Count("person_id", filter=this, distinct=True), people_last=Count("person_id", filter=last, distinct=True),
        )
    )
    return {row.pop("centre_id"): row for row in rows}


def people_served_panel(request: HttpRequest) -> dict | None:
    """Officers, managers and admins: contacts and people served per centre of their scope, against last year."""
    if not user_can_see_reports(request.user):
        return None
    period = quarter_so_far()
    centres = list(report_centres_for_user(request.user).order_by("code").only("code", "name"))
    figures = contacts_by_centre(period, [c.pk for c in centres])
    zero = {"contacts": 0, "contacts_last": 0, "people": 0, "people_last": 0}
    report = reverse("helpdesk:reports")
    rows = []
    for centre in centres:
        f = figures.get(centre.pk, zero)
        rows.append(ComparisonRow(
            f"{centre.code} · {centre.name}",
            ((f["contacts"], f["contacts_last"]), (f["people"], f["people_last"])),
            f"{report}?{period.report_query(centre.pk)}",
        ))
    if len(centres) > 1:
        totals = [sum(figures.get(c.pk, zero)[k] for c in centres) for k in ("contacts", "contacts_last")]
        rows.append(ComparisonRow(_("All your centres"), ((totals[0], totals[1]), ("", "")), f"{report}?{period.report_query()}"))
    return {
        **comparison_context(
            _("Contacts this quarter so far, against the same days last year"),
            [_("Contacts"), _("Registered people")], rows, period,
        ),
        "key": "people_served",
    }
