"""Agency pages: the staff register, the admin upload, the public check page and its JSON API. Thin."""
from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agencies import selectors
from agencies.extensions import agency_panels
from agencies.forms import AgencyImportForm, AgencySearchForm, PublicCheckForm
from agencies.lookup import MAX_QUERY_LENGTH
from agencies.models import AgencyImport
from agencies.permissions import admin_required, register_access_required
from agencies.ratelimit import rate_limit_hit
from agencies.report import report_lines
from agencies.services import agency_import
from agencies.tasks import WORKER_STOPPED, agency_import_queue, agency_import_restart, agency_import_stopped
from agencies.verdict import Verdict, agency_verdict
from agencies.wording import PARTIAL, SIMILAR, headline, status_phrase
from helpdesk.spreadsheets import SpreadsheetError, table_size, xlsx_check

PAGE_SIZE = 50
PUBLIC_RESULTS = 5
API_MAX_LIMIT = 10
PAGE_LISTED = 10  # agencies shown under an ambiguous or not-found verdict (the headline gives the count)


@register_access_required
def agency_list(request):
    form = AgencySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    agencies = selectors.agencies_for_list(
        query=filters.get("q", ""), status=filters.get("status", ""), country=filters.get("country", "")
    )
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(request, "agencies/agency_list.html", {"form": form, "page": page, "querystring": querystring.urlencode()})


@register_access_required
def agency_detail(request, pk):
    agency = selectors.agency_get_for_user(request.user, pk)
    return render(
        request,
        "agencies/agency_detail.html",
        {
            "agency": agency,
            "history": selectors.agency_licence_history(agency),
            "checks": selectors.agency_check_summary(agency),
            "panels": agency_panels(request, agency),
        },
    )


@admin_required
def agency_import_upload(request):
    """Upload the Ministry's list; the report is the same as ``manage.py import_agencies`` prints.

    A list longer than ``AGENCY_IMPORT_SYNC_ROWS`` rows (or one whose length cannot be told without
    reading it) is imported by a background task; its own page shows the progress and the report.
    """
    form = AgencyImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        content = upload.read()
        rows = table_size(content, upload.name)
        if rows is None or rows > settings.AGENCY_IMPORT_SYNC_ROWS:
            try:
                if upload.name.lower().endswith(".xlsx"):
                    xlsx_check(content)  # refused now, not after a wait for the worker
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                job = agency_import_queue(
                    content=content, filename=upload.name, user=request.user, dry_run=dry_run, rows=rows,
                    language=translation.get_language() or "",
                )
                return redirect("agencies:agency_import_job", pk=job.pk)
        else:
            report = agency_import(content=content, filename=upload.name, user=request.user, dry_run=dry_run)
            if report.file_error:
                form.add_error("file", report.file_error)
                report = None
    lines = list(report_lines(report, missing_limit=200)) if report else []
    jobs = AgencyImport.objects.defer("content").select_related("created_by")[:10]
    return render(request, "agencies/agency_import.html", {
        "form": form, "report": report, "lines": lines, "jobs": jobs, "sync_rows": settings.AGENCY_IMPORT_SYNC_ROWS,
    })


@admin_required
def agency_import_job(request, pk: int):
    """A licence list being imported in the background: its progress, then its report."""
    job = get_object_or_404(AgencyImport.objects.defer("content"), pk=pk)
    if request.method == "POST" and agency_import_restart(job=job):
        return redirect("agencies:agency_import_job", pk=job.pk)
    stopped = agency_import_stopped(job)
    return render(request, "agencies/agency_import_job.html", {
        "job": job, "stopped": stopped, "stopped_message": WORKER_STOPPED if stopped else "",
    })


def _rate_limited(request):
    decision = rate_limit_hit(request)
    return None if decision.allowed else decision.retry_after


@never_cache
@require_GET
def public_check(request):
    """The public "is this agency licensed?" page: no login, no JavaScript, a few kilobytes."""
    form = PublicCheckForm(request.GET or None)
    context = {"form": form, "verdict": None}
    if form.is_bound and form.is_valid():
        retry_after = _rate_limited(request)
        if retry_after:
            response = render(request, "agencies/public_check.html", {**context, "retry_after": retry_after}, status=429)
            response["Retry-After"] = str(retry_after)
            return response
        # As typed: the verdict converts Zawgyi itself (and reads unsure Burmese both ways).
        verdict = agency_verdict(form.cleaned_data["q"], limit=PUBLIC_RESULTS)
        context.update(_verdict_context(verdict))
    return render(request, "agencies/public_check.html", context)


def _language() -> str:
    return "my" if (get_language() or "").startswith("my") else "en"


def _verdict_context(verdict: Verdict) -> dict:
    """The verdict as the page shows it: headline, then the agency named, the ones that tie, or similar names."""
    language = _language()
    listed = [verdict.match] if verdict.match else (verdict.candidates or verdict.similar)[:PAGE_LISTED]
    return {
        "verdict": verdict,
        "headline": headline(verdict, language),
        "partial_note": PARTIAL if verdict.partial else "",
        "similar_heading": SIMILAR,
        "cards": [(match, status_phrase(match.agency, match.status, language)) for match in listed],
    }


def _match_json(match, verdict: Verdict) -> dict:
    agency = match.agency
    return {
        "licence_number": agency.licence_number,
        "name_en": agency.name_en,
        "name_my": agency.name_my,
        "status": match.status,
        "status_label": str(agency.effective_status_label),
        "issue_date": agency.issue_date.isoformat() if agency.issue_date else None,
        "expiry_date": agency.expiry_date.isoformat() if agency.expiry_date else None,
        "destination_countries": agency.country_codes,
        "confidence": match.score,
        "matched_on": match.matched_on,
        "same_as_query": verdict.same_as_query(match),
    }


@never_cache
@require_GET
def api_lookup(request):
    """``GET /agencies/api/lookup?q=...[&limit=5]``: the verdict and the ranked matches as JSON (see docs/agency-verdict.md)."""
    retry_after = _rate_limited(request)
    if retry_after:
        response = JsonResponse(
            {"error": "rate_limited", "detail": _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": retry_after}},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    query = request.GET.get("q", "").strip()
    if not query:
        return JsonResponse({"error": "missing_query", "detail": _("Give a name or licence number in q.")}, status=400)
    try:
        limit = min(max(int(request.GET.get("limit", PUBLIC_RESULTS)), 1), API_MAX_LIMIT)
    except ValueError:
        return JsonResponse({"error": "invalid_limit", "detail": _("limit must be a whole number.")}, status=400)
    verdict = agency_verdict(query[:MAX_QUERY_LENGTH], limit=limit)
    named = None
    if verdict.match:
        named = {**_match_json(verdict.match, verdict), "since": verdict.since.isoformat() if verdict.since else None}
    return JsonResponse(
        {
            "query": query[:MAX_QUERY_LENGTH],
            "verdict": verdict.kind.value,
            "message": headline(verdict, _language()),
            "agency": named,
            "count": len(verdict.results),
            "results": [_match_json(m, verdict) for m in verdict.results],
        },
        json_dumps_params={"ensure_ascii": False},
    )
