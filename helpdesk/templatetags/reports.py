"""The officer's dashboard figures: this quarter's beneficiary table for the user's centres."""
from django import template
from django.utils import timezone

from helpdesk.periods import quarter_bounds
from helpdesk.reports.access import report_filter_for_user
from helpdesk.reports.table import BY_QUARTER, beneficiary_table

register = template.Library()


@register.inclusion_tag("helpdesk/reports/quarter_summary.html", takes_context=True)
def quarter_summary(context):
    """Render people reached this quarter per service, with the share of women (aggregates only)."""
    start, end = quarter_bounds(timezone.localdate())
    table = beneficiary_table(report_filter_for_user(context["request"].user, start=start, end=end, by=BY_QUARTER))
    return {"table": table, "total": table.grand_total.total}
