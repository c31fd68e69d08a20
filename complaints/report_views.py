"""The complaint outcomes page and its section on the helpdesk report page. Numbers only, never a name."""
from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from complaints.reports import OUTCOME_COLUMNS, complaint_outcomes
from helpdesk.permissions import reports_required
from helpdesk.reports.forms import ReportForm


@reports_required
def outcomes(request):
    form = ReportForm.from_request(request)
    context = {"form": form, "columns": OUTCOME_COLUMNS, "query": request.GET.urlencode()}
    if form.is_valid():
        context["outcomes"] = complaint_outcomes(form.report_filter())
        context["rows"] = _period_rows(context["outcomes"])
    return render(request, "complaints/reports/outcomes.html", context)


@reports_required
def outcomes_csv(request):
    form = ReportForm.from_request(request)
    if not form.is_valid():
        return render(request, "complaints/reports/outcomes.html", {"form": form, "columns": OUTCOME_COLUMNS}, status=400)
    report = form.report_filter()
    result = complaint_outcomes(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Complaint outcomes"), f"{report.start:%Y-%m-%d} – {report.end:%Y-%m-%d}"])
    writer.writerow([_("Period")] + [str(label) for _name, label in OUTCOME_COLUMNS])
    for label, figures in _period_rows(result):
        writer.writerow([label] + [getattr(figures, name) for name, _label in OUTCOME_COLUMNS])
    writer.writerow([])
    writer.writerow([_("Open cases by stage")])
    writer.writerows([[str(label), n] for _code, label, n in result.open_by_stage])
    writer.writerow([_("Cases by grievance")])
    writer.writerows([[str(label), n] for _code, label, n in result.by_grievance])
    writer.writerow([_("Cases by gender of the complainant")])
    writer.writerows([[str(label), n] for _code, label, n in result.by_gender])
    writer.writerow([_("Centre"), _("Opened"), _("MMK claimed"), _("MMK recovered")])
    writer.writerows([[c["code"], c["opened"], c["claimed"], c["recovered"]] for c in result.by_centre])
    writer.writerow([_("Agency licence"), _("Agency"), _("Complaints")])
    writer.writerows([[a["licence_number"], a["name"], a["complaints"]] for a in result.top_agencies])
    response = HttpResponse(("\ufeff" + out.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaint-outcomes-{report.start}-{report.end}.csv"'
    return response


def _period_rows(result) -> list:
    return [*((p.label, figures) for p, figures in zip(result.periods, result.by_period, strict=True)), (_("Total"), result.total)]


def report_section(request, report) -> dict:
    """The outcomes summary under the beneficiary table (helpdesk.extensions.ReportSection)."""
    result = complaint_outcomes(report)
    return {"outcomes": result, "columns": OUTCOME_COLUMNS, "rows": _period_rows(result), "query": request.GET.urlencode()}
