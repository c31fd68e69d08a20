"""Who may see which centres' aggregates: officers and managers their centres, admins all; staff none."""
from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from helpdesk.choices import Role
from helpdesk.models import Centre
from helpdesk.reports.table import BY_YEAR, ReportFilter
from helpdesk.selectors import User, user_centre_ids, user_is_admin

REPORT_ROLES = (Role.OFFICER, Role.MANAGER)


def report_centres_for_user(user: User) -> QuerySet[Centre]:
    """Return the centres whose aggregate figures the user may see."""
    if user_is_admin(user):
        return Centre.objects.all()
    return Centre.objects.filter(pk__in=user_centre_ids(user, REPORT_ROLES))


def report_filter_for_user(
    user: User, *, start: date, end: date, by: str = BY_YEAR, centre_ids=(), partner: str = "", channel: str = ""
) -> ReportFilter:
    """Build a filter that never reaches past the user's centres, whatever centres were asked for."""
    if user_is_admin(user):
        scope = tuple(sorted(centre_ids)) if centre_ids else None
    else:
        allowed = set(user_centre_ids(user, REPORT_ROLES))
        scope = tuple(sorted(allowed & set(centre_ids))) if centre_ids else tuple(sorted(allowed))
    return ReportFilter(start=start, end=end, by=by, centre_ids=scope, partner=partner, channel=channel)
