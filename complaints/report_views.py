"""The complaint outcomes page, its downloads and its section on the helpdesk report page. Numbers only, never a name."""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from complaints.reports import OUTCOME_COLUMNS, OUTCOMES_NOTE, complaint_outcomes, outcomes_document
from helpdesk.access import logs_access
from helpdesk.models import AccessLog
from helpdesk.permissions import reports_required
from helpdesk.reports.documents import document_csv, document_pdf, document_xlsx, ratio, whole_percent
from helpdesk.reports.forms import ReportForm

EXPORTS = {
    "csv": (document_csv, "text/csv; charset=utf-8"),
    "xlsx": (document_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (document_pdf, "application/pdf"),
}


@reports_required
def outcomes(request):
    form = ReportForm.from_request(request)
    context = {"form": form, "columns": OUTCOME_COLUMNS, "note": OUTCOMES_NOTE, "query": request.GET.urlencode()}
    if form.is_valid():
        result = complaint_outcomes(form.report_filter())
        context.update(
            outcomes=result, rows=_period_rows(result), money_rows=[*result.money, result.money_total],
            grievances=_with_shares(result.by_grievance, result.total.opened),
            genders=_with_shares(result.by_gender, result.total.opened),
        )
    return render(request, "complaints/reports/outcomes.html", context)


@reports_required
@logs_access(AccessLog.Kind.EXPORT)
def outcomes_export(request, fmt: str = "csv"):
    """The same blocks as CSV, XLSX or PDF, labels in the user's language (the PDF shaped for Burmese)."""
    if fmt not in EXPORTS:
        raise Http404
    form = ReportForm.from_request(request)
    if not form.is_valid():
        return render(request, "complaints/reports/outcomes.html", {"form": form, "columns": OUTCOME_COLUMNS}, status=400)
    report = form.report_filter()
    build, content_type = EXPORTS[fmt]
    response = HttpResponse(build(outcomes_document(complaint_outcomes(report), report)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="complaint-outcomes-{report.start}-{report.end}.{fmt}"'
    return response


def outcomes_csv(request):
    return outcomes_export(request, "csv")


def _period_rows(result) -> list:
    return [*((p.label, figures) for p, figures in zip(result.periods, result.by_period, strict=True)), (_("Total"), result.total)]


def _with_shares(items, whole: int) -> list[tuple[str, int, int | None]]:
    """(label, cases, whole % of the cases opened), rounded as in every export."""
    return [(label, n, None if (r := ratio(n, whole)) is None else whole_percent(r)) for _code, label, n in items]


def report_section(request, report) -> dict:
    """The outcomes summary under the beneficiary table (helpdesk.extensions.ReportSection)."""
    result = complaint_outcomes(report)
    return {"outcomes": result, "columns": OUTCOME_COLUMNS, "rows": _period_rows(result), "query": request.GET.urlencode()}
