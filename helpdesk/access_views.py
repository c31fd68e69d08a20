"""The access log for admins: who opened which record or export, filtered, and as CSV."""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.access import logs_access
from helpdesk.downloads import csv_writer
from helpdesk.forms import AccessLogFilterForm
from helpdesk.models import AccessLog
from helpdesk.permissions import admin_required
from helpdesk.selectors import access_log_filtered

PAGE_SIZE = 100


def _rows(request):
    form = AccessLogFilterForm(request.GET or None)
    return form, access_log_filtered(**form.filters())


@admin_required
def access_log(request):
    form, rows = _rows(request)
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "helpdesk/access_log.html", {
        "form": form, "page": page, "query": query.urlencode(), "days": settings.ACCESS_LOG_DAYS,
    })


@admin_required
@logs_access(AccessLog.Kind.EXPORT)
def access_log_export(request):
    _form, rows = _rows(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{timezone.localdate():%Y%m%d}.csv"'
    response.write("\ufeff")  # Excel needs the BOM to read Burmese as UTF-8
    writer = csv_writer(response)
    writer.writerow([_("When"), _("User"), _("What"), _("Record id"), _("Page"), _("Detail"), _("IP address")])
    for row in rows.iterator(chunk_size=1000):
        writer.writerow([
            f"{timezone.localtime(row.at):%Y-%m-%d %H:%M:%S}", row.username or row.api_token, row.get_kind_display(), row.object_id,
            row.path, row.detail, row.ip,
        ])
    return response
