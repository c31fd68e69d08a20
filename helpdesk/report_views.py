"""Report pages (aggregates only: never a name, phone or other personal field) and the admins' legacy-import pages."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.access import logs_access
from helpdesk.extensions import REPORT_SECTIONS
from helpdesk.imports import FileError, import_contacts
from helpdesk.imports.jobs import contact_import_continue, contact_import_queue, contact_import_stopped
from helpdesk.imports.reading import read_rows
from helpdesk.models import AccessLog, ContactImport
from helpdesk.permissions import personal_data_required, reports_required
from helpdesk.reports.exports import SUBCOLUMNS, table_csv, table_lines, table_xlsx
from helpdesk.reports.forms import ImportForm, ReportForm
from helpdesk.reports.pdf import table_pdf
from helpdesk.reports.table import beneficiary_table
from helpdesk.selectors import user_is_admin

EXPORTS = {
    "csv": (table_csv, "text/csv; charset=utf-8"),
    "xlsx": (table_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": (table_pdf, "application/pdf"),
}
UPLOAD_SYNC_ROWS = 2000  # about half a minute of writes at most; larger files go to a background task
UPLOAD_MAX_ROWS = 200_000  # beyond this, the command line
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE_FILES = {"csv": "text/csv; charset=utf-8", "xlsx": EXPORTS["xlsx"][1]}


@reports_required
def beneficiary_report(request):
    form = ReportForm.from_request(request)
    context = {"form": form, "subcolumns": SUBCOLUMNS, "query": request.GET.urlencode()}
    if form.is_valid():
        report = form.report_filter()
        table = beneficiary_table(report)
        context.update(table=table, lines=table_lines(table), sections=[
            (section.template, ctx) for section in REPORT_SECTIONS if (ctx := section.context(request, report)) is not None
        ])
    return render(request, "helpdesk/reports/beneficiaries.html", context)


@reports_required
@logs_access(AccessLog.Kind.EXPORT)
def beneficiary_export(request, fmt: str):
    if fmt not in EXPORTS:
        raise Http404
    form = ReportForm.from_request(request)
    if not form.is_valid():
        return render(request, "helpdesk/reports/beneficiaries.html", {"form": form, "subcolumns": SUBCOLUMNS}, status=400)
    report = form.report_filter()
    build, content_type = EXPORTS[fmt]
    response = HttpResponse(build(beneficiary_table(report)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="beneficiary-table-{report.start}-{report.end}.{fmt}"'
    return response


def _sync_rows() -> int:
    return getattr(settings, "CONTACT_IMPORT_SYNC_ROWS", UPLOAD_SYNC_ROWS)


@personal_data_required
def import_contacts_upload(request):
    """Admins upload a legacy spreadsheet; a check-only run is the default.

    Small files are imported at once; larger ones by a background task whose
    progress the import's own page shows.
    """
    if not user_is_admin(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "sync_rows": _sync_rows(), "jobs": ContactImport.objects.defer("content").select_related("created_by")[:10]}
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        content = upload.read()
        try:
            if len(read_rows(content, upload.name)[0]) <= _sync_rows():
                with transaction.atomic():  # a small file is imported whole or, if the request fails, not at all
                    context["result"] = import_contacts(content=content, filename=upload.name, user=request.user, dry_run=dry_run)
            else:
                job = contact_import_queue(
                    content=content, filename=upload.name, user=request.user, dry_run=dry_run, max_rows=UPLOAD_MAX_ROWS,
                )
                return redirect("helpdesk:import_job", pk=job.pk)
        except FileError as exc:
            form.add_error("file", str(exc))
    return render(request, "helpdesk/reports/import_contacts.html", context)


@personal_data_required
def import_job(request, pk: int):
    """An upload being imported in the background: its progress, then its result."""
    if not user_is_admin(request.user):
        raise PermissionDenied
    job = get_object_or_404(ContactImport.objects.defer("content"), pk=pk)
    context = {"job": job, "result": job.result, "stopped": contact_import_stopped(job)}
    return render(request, "helpdesk/reports/import_job.html", context)


@require_POST
@personal_data_required
def import_job_continue(request, pk: int):
    """Queue a stopped import again: rows it already applied are skipped by their fingerprints."""
    if not user_is_admin(request.user):
        raise PermissionDenied
    job = get_object_or_404(ContactImport.objects.defer("content"), pk=pk)
    if not contact_import_continue(job=job):
        messages.error(request, _("This import is not stopped: there is nothing to continue."))
    return redirect("helpdesk:import_job", pk=job.pk)


@personal_data_required
def import_template(request, fmt: str):
    if not user_is_admin(request.user):
        raise PermissionDenied
    if fmt not in TEMPLATE_FILES:
        raise Http404
    path = FIXTURES / f"contacts_template.{fmt}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type=TEMPLATE_FILES[fmt])
