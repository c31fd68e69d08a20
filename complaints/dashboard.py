"""The case panels on the dashboard: what a staff member, a manager or an officer should look at next.

Each panel is one aggregate query (plus one for the team's load) over the cases the user may open,
and each count links to the case list filtered by ``complaints_filtered`` the same way, so the list
shows exactly the counted cases. Officers get figures and links to the report pages only.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.choices import Stage
from complaints.models import TimelineEntry
from complaints.money import format_amount
from complaints.reports import complaint_outcomes
from complaints.selectors import visible_complaints
from helpdesk.choices import Role
from helpdesk.dashboard import ComparisonRow, comparison_context, quarter_so_far
from helpdesk.extensions import DashboardItem
from helpdesk.reports.access import report_centres_for_user, report_filter_for_user
from helpdesk.reports.table import BY_QUARTER
from helpdesk.selectors import user_can_see_personal_data, user_can_see_reports, user_centre_ids, user_is_admin

STALE_DAYS = 30


def _list_url(**filters) -> str:
    return f"{reverse('complaints:list')}?{urlencode(filters)}"


def my_cases_panel(request: HttpRequest) -> dict | None:
    """Staff (and managers, for their own cases): follow-ups due and open cases carried, in one query."""
    user = request.user
    if not user_can_see_personal_data(user):
        return None
    today = timezone.localdate()
    counts = visible_complaints(user).open().filter(assigned_to_id=user.pk).order_by().aggregate(
        open=Count("id"),
        due=Count("id", filter=Q(next_follow_up__lte=today)),
        overdue=Count("id", filter=Q(next_follow_up__lt=today)),
    )
    return {"key": "my_cases", "title": _("My cases"), "items": [
        DashboardItem(_("follow-ups due today or overdue"), counts["due"], _list_url(mine=1, due=1), "my_due"),
        DashboardItem(_("of them overdue"), counts["overdue"], _list_url(mine=1, overdue=1), "my_overdue"),
        DashboardItem(_("open cases assigned to me"), counts["open"], _list_url(mine=1, stage="open"), "my_open"),
    ]}


def _is_manager(user) -> bool:
    return user_is_admin(user) or bool(user_centre_ids(user, (Role.MANAGER,)))


def team_panel(request: HttpRequest) -> dict | None:
    """Managers: unassigned cases, sensitive intakes, cases without movement, and the team's load (two queries).

    Counted over every case the manager may see (as the case list is), so each link lists exactly the
    counted cases, also for a manager who is staff at another centre.
    """
    user = request.user
    if not _is_manager(user):
        return None
    cutoff = timezone.now() - timedelta(days=STALE_DAYS)
    moved = TimelineEntry.objects.filter(created_at__gte=cutoff).values("complaint_id")
    cases = visible_complaints(user).open().order_by()
    counts = cases.aggregate(
        unassigned=Count("id", filter=Q(assigned_to=None)),
        sensitive_intake=Count("id", filter=Q(stage=Stage.INTAKE, sensitive=True)),
        stale=Count("id", filter=Q(updated_at__lt=cutoff) & ~Q(pk__in=moved)),
    )
    load = list(
        cases.exclude(assigned_to=None)
        .values("assigned_to_id", "assigned_to__username", "assigned_to__first_name", "assigned_to__last_name")
        .annotate(n=Count("id"), due=Count("id", filter=Q(next_follow_up__lte=timezone.localdate())))
        .order_by("-n", "assigned_to__username")
    )
    items = [
        DashboardItem(_("open cases nobody is assigned to"), counts["unassigned"], _list_url(stage="open", unassigned=1), "unassigned"),
        DashboardItem(_("sensitive cases still at intake"), counts["sensitive_intake"], _list_url(stage=Stage.INTAKE, sensitive=1), "sensitive_intake"),
        DashboardItem(
            _("open cases without movement for %(days)s days") % {"days": STALE_DAYS}, counts["stale"],
            _list_url(stage="open", stale=STALE_DAYS), "stale",
        ),
    ]
    for row in load:
        name = " ".join(filter(None, [row["assigned_to__first_name"], row["assigned_to__last_name"]])) or row["assigned_to__username"]
        items.append(DashboardItem(
            _("open cases with %(name)s (%(due)s follow-ups due)") % {"name": name, "due": row["due"]}, row["n"],
            _list_url(stage="open", assignee=row["assigned_to_id"]), f"load-{row['assigned_to_id']}",
        ))
    return {"key": "team", "title": _("My team"), "items": items}


def officer_panel(request: HttpRequest) -> dict | None:
    """Officers, managers and admins: complaints lodged and MMK recovered per centre, against last year (aggregates)."""
    user = request.user
    if not user_can_see_reports(user):
        return None
    period = quarter_so_far()
    centres = list(report_centres_for_user(user).order_by("code").only("code", "name"))
    ids = [c.pk for c in centres]
    this = complaint_outcomes(report_filter_for_user(user, start=period.start, end=period.end, by=BY_QUARTER, centre_ids=ids))
    last = complaint_outcomes(report_filter_for_user(user, start=period.last_start, end=period.last_end, by=BY_QUARTER, centre_ids=ids))
    now = {row["code"]: row for row in this.by_centre}
    before = {row["code"]: row for row in last.by_centre}
    outcomes = reverse("complaints:outcomes")
    empty = {"opened": 0, "recovered": 0}
    rows = [
        ComparisonRow(
            f"{c.code} · {c.name}",
            ((now.get(c.code, empty)["opened"], before.get(c.code, empty)["opened"]),
             (format_amount(now.get(c.code, empty)["recovered"]), format_amount(before.get(c.code, empty)["recovered"]))),
            f"{outcomes}?{period.report_query(c.pk)}",
        )
        for c in centres
    ]
    if len(centres) > 1:
        rows.append(ComparisonRow(
            _("All your centres"),
            ((this.total.opened, last.total.opened), (format_amount(this.total.recovered), format_amount(last.total.recovered))),
            f"{outcomes}?{period.report_query()}",
        ))
    return {
        **comparison_context(
            _("Complaints this quarter so far, against the same days last year"),
            [_("Complaints lodged"), _("MMK recovered")], rows, period,
        ),
        "key": "complaints_quarter",
    }
