"""Version 1 of the read API: thin views over the report functions the pages call, the register and the token's cases.

Only GET exists (other methods answer 405). Every answer is JSON, never cached, and carries no name:
aggregates are numbers by centre, gender, stage and grievance; cases carry a reference, not a person.
"""
from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError, ValidationError

from agencies.models import Agency, LicenceStatus
from api import schemas
from api.auth import RateLimited, TokenAuth
from api.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorInvalid, cursor_page
from api.selectors import token_cases, token_centre_ids, token_partners, token_report_filter
from complaints.choices import Stage
from complaints.group import gender_counts, group_figures_by_case
from complaints.reports import complaint_outcomes
from helpdesk.choices import Channel
from helpdesk.reports.forms import MAX_PERIODS, RANGE_INVALID, TOO_MANY_PERIODS, default_filters
from helpdesk.reports.table import BY_QUARTER, BY_YEAR, ReportFilter, beneficiary_table, report_periods

TOKEN_INVALID = gettext_lazy("Send a valid, unrevoked API token as 'Authorization: Bearer <token>'.")
RATE_LIMITED = gettext_lazy("Too many calls with this token: wait %(seconds)s seconds and try again.")
NOT_CASE_LEVEL = gettext_lazy("This token may read aggregates only: ask an administrator for case-level access.")
CENTRE_UNKNOWN = gettext_lazy("Unknown centre code: %(code)s.")
PARTNER_UNKNOWN = gettext_lazy("Unknown partner organisation.")
CHOICE_INVALID = gettext_lazy("Not one of the allowed values: %(values)s.")
CURSOR_INVALID = gettext_lazy("This cursor is not valid: start again without it.")
VALUE_INVALID = gettext_lazy("This value is not valid here.")
NO_CENTRES = gettext_lazy("This token covers no centre any more: ask an administrator to give it one.")

# Repeatable ``?centre=NDG&centre=TCL``; none means every centre of the token.
CENTRES = Query([], description="Centre codes (repeat for several); none: all the token's centres.")
ERRORS = {400: schemas.Error, 401: schemas.Error, 429: schemas.Error}


class ApiError(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.field = status, detail, field


class HelpdeskApi(NinjaAPI):
    def create_response(self, request, data, *args, **kwargs):
        response = super().create_response(request, data, *args, **kwargs)
        add_never_cache_headers(response)
        return response


api = HelpdeskApi(
    title="MC Helpdesk API", version="1", urls_namespace="api_v1", docs_url=None, auth=TokenAuth(),
    description="Read-only figures and cases for M&E and partner systems. See docs/api.md.",
)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return api.create_response(request, {"detail": exc.detail, "field": exc.field}, status=exc.status)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = api.create_response(request, {"detail": str(TOKEN_INVALID), "field": None}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = api.create_response(request, {"detail": RATE_LIMITED % {"seconds": exc.retry_after}, "field": None}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    """A badly typed parameter is a 400 naming the parameter, like every other bad input."""
    error = exc.errors[0] if exc.errors else {}
    field = str(error.get("loc", ["", ""])[-1]) or None
    return api.create_response(request, {"detail": str(VALUE_INVALID), "field": field}, status=400)


def _choice(value: str, allowed, field: str) -> str:
    if value and value not in allowed:
        raise ApiError(400, CHOICE_INVALID % {"values": ", ".join(allowed)}, field)
    return value


def _report(request: HttpRequest, start: date | None, end: date | None, by: str, centre: list[str], partner: str, channel: str) -> ReportFilter:
    """Validate the report filters as the pages' form does and build the token's filter."""
    defaults = default_filters()
    start = start or date.fromisoformat(defaults["start"])
    end = end or date.fromisoformat(defaults["end"])
    _choice(by, (BY_QUARTER, BY_YEAR), "by")
    _choice(channel, Channel.values, "channel")
    if end < start:
        raise ApiError(400, str(RANGE_INVALID), "end")
    if len(report_periods(start, end, by)) > MAX_PERIODS:
        raise ApiError(400, str(TOO_MANY_PERIODS % {"max": MAX_PERIODS}), "start")
    if partner and partner not in token_partners(request.auth):
        raise ApiError(400, str(PARTNER_UNKNOWN), "partner")
    try:
        report = token_report_filter(request.auth, start=start, end=end, by=by, centres=centre, partner=partner, channel=channel)
    except LookupError as exc:
        raise ApiError(400, CENTRE_UNKNOWN % {"code": exc.args[0]}, "centre") from None
    if not report.centre_ids:
        raise ApiError(403, str(NO_CENTRES))
    return report


def _filters(request: HttpRequest, report: ReportFilter, centre: list[str]) -> dict:
    return {
        "start": report.start, "end": report.end, "by": report.by, "partner": report.partner, "channel": report.channel,
        "centres": sorted(set(centre)) or list(request.auth.centres.order_by("code").values_list("code", flat=True)),
    }


def _cell(cell) -> dict:
    return {"woman": cell.woman, "man": cell.man, "other": cell.other, "undisclosed": cell.undisclosed, "total": cell.total}


def _row(row) -> dict:
    return {"key": row.key, "label": str(row.label), "cells": [_cell(c) for c in row.cells], "total": _cell(row.total)}


def _periods(periods) -> list[dict]:
    return [{"label": p.label, "start": p.start, "end": p.end} for p in periods]


@api.get("/beneficiary-table", response={200: schemas.BeneficiaryTable, 403: schemas.Error, **ERRORS}, summary="The beneficiary table")
def beneficiary_table_view(
    request, start: date | None = None, end: date | None = None, by: str = BY_QUARTER,
    centre: list[str] = CENTRES, partner: str = "", channel: str = "",
):
    """People reached per service row and period, by gender: the report page's table, for the token's centres."""
    report = _report(request, start, end, by, centre, partner, channel)
    table = beneficiary_table(report)
    return {
        "filters": _filters(request, report, centre), "periods": _periods(table.periods),
        "rows": [_row(r) for r in table.rows], "grand_total": _row(table.grand_total),
        "unique_persons": _row(table.unique_persons), "total_unique_persons": _cell(table.total_unique_persons),
        "unidentified": _row(table.unidentified),
    }


def _outcome(label: str, figures) -> dict:
    return {
        "label": label, "opened": figures.opened, "resolved": figures.resolved, "closed_unresolved": figures.closed_unresolved,
        "withdrawn": figures.withdrawn, "claimed_mmk": figures.claimed, "recovered_mmk": figures.recovered,
    }


def _counts(items) -> list[dict]:
    return [{"code": code, "label": str(label), "cases": n} for code, label, n in items]


@api.get("/complaint-outcomes", response={200: schemas.ComplaintOutcomes, 403: schemas.Error, **ERRORS}, summary="Complaint outcomes")
def complaint_outcomes_view(
    request, start: date | None = None, end: date | None = None, by: str = BY_QUARTER,
    centre: list[str] = CENTRES, partner: str = "", channel: str = "",
):
    """Cases opened and closed, MMK claimed and recovered: the outcomes page's figures (sensitive cases counted too)."""
    report = _report(request, start, end, by, centre, partner, channel)
    result = complaint_outcomes(report)
    money = {row.code: row for row in result.money}
    return {
        "filters": _filters(request, report, centre), "periods": _periods(result.periods),
        "by_period": [_outcome(p.label, f) for p, f in zip(result.periods, result.by_period, strict=True)],
        "total": _outcome(_("Total"), result.total),
        "open_by_stage": _counts(result.open_by_stage), "by_grievance": _counts(result.by_grievance),
        "by_gender": _counts(result.by_gender),
        "workers_by_gender": [
            {"code": w.code, "label": str(w.label), "workers": w.workers, "claimed_mmk": w.claimed, "recovered_mmk": w.recovered}
            for w in result.workers
        ],
        "by_centre": [
            {"code": c["code"], "name": c["name"], "name_my": c["name_my"], "opened": c["opened"],
             "claimed_mmk": c["claimed"], "recovered_mmk": c["recovered"],
             "claimed_by_period_mmk": list(money[c["code"]].claimed), "recovered_by_period_mmk": list(money[c["code"]].recovered)}
            for c in result.by_centre
        ],
        "top_agencies": [
            {"licence_number": a["licence_number"], "name": a["name"], "name_my": a["name_my"], "cases": a["complaints"]}
            for a in result.top_agencies
        ],
    }


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, str(VALUE_INVALID), "limit")
    return limit


def _page(queryset, fields, request, cursor, limit):
    try:
        return cursor_page(queryset, fields=fields, cursor=cursor, limit=_limit(limit), request=request)
    except CursorInvalid:
        raise ApiError(400, str(CURSOR_INVALID), "cursor") from None


@api.get("/agencies", response={200: schemas.AgencyPage, **ERRORS}, summary="The agency register")
def agencies_view(request, status: str = "", country: str = "", cursor: str | None = None, limit: int = DEFAULT_LIMIT):
    """Licensed recruitment agencies as the Ministry publishes them, with the status derived from the expiry date."""
    agencies = Agency.objects.with_current_status()
    if _choice(status, LicenceStatus.values, "status"):
        agencies = agencies.in_status(status)
    if country:
        agencies = agencies.serving(country.upper())
    items, next_url = _page(agencies, ("id",), request, cursor, limit)
    return {"items": [
        {"licence_number": a.licence_number, "name_en": a.name_en, "name_my": a.name_my, "status": a.effective_status,
         "issue_date": a.issue_date, "expiry_date": a.expiry_date, "destination_countries": a.country_codes,
         "address": a.address, "phones": a.phones}
        for a in items
    ], "next": next_url}


def _workers(case, figures) -> dict:
    """Workers covered by gender and, for a group case, each member's role, gender and amounts: never a name."""
    if figures is None:
        return {"workers_covered": 1, "workers_by_gender": [{"gender": case.complainant.gender, "workers": 1}], "members": []}
    return {
        "workers_covered": figures["count"],
        "workers_by_gender": [{"gender": code, "workers": n} for code, _label, n in gender_counts(figures["by_gender"])],
        "members": [{"role": r["role"], "gender": r["gender_code"], "amount_claimed_mmk": r["claimed"],
                     "amount_received_mmk": r["received"]} for r in figures["rows"]],
    }


@api.get("/cases", response={200: schemas.CasePage, 403: schemas.Error, **ERRORS}, summary="Cases without names (case-level tokens)")
def cases_view(
    request, opened_from: date | None = None, opened_to: date | None = None, stage: str = "",
    centre: list[str] = CENTRES, cursor: str | None = None, limit: int = DEFAULT_LIMIT,
):
    """The token's cases, oldest first: reference, centre, stage, grievances, agency, amounts and dates; never a
    name, phone, story, note or person id. Sensitive cases are left out (they count in the outcomes)."""
    if not request.auth.case_level:
        raise ApiError(403, str(NOT_CASE_LEVEL))
    _choice(stage, ["open", *Stage.values], "stage")
    try:
        centre_ids = token_centre_ids(request.auth, centre)
    except LookupError as exc:
        raise ApiError(400, CENTRE_UNKNOWN % {"code": exc.args[0]}, "centre") from None
    if not centre_ids:
        raise ApiError(403, str(NO_CENTRES))
    cases = token_cases(request.auth, centre_ids=centre_ids, opened_from=opened_from, opened_to=opened_to, stage=stage)
    items, next_url = _page(cases, ("opened_at", "id"), request, cursor, limit)
    groups = group_figures_by_case([c.pk for c in items])
    return {"items": [
        {**_workers(c, groups.get(c.pk)), "reference": c.reference, "centre": c.centre.code, "channel": c.channel, "stage": c.stage, "outcome": c.outcome,
         "referred_to": c.referred_to, "grievances": [g.grievance for g in c.grievances.all()],
         "agency_licence_number": c.agency.licence_number if c.agency else None,
         "destination_country": c.destination_country, "amount_claimed_mmk": c.amount_claimed,
         "amount_recovered_mmk": c.recovered, "opened_on": timezone.localdate(c.opened_at),
         "closed_on": timezone.localdate(c.closed_at) if c.closed_at else None}
        for c in items
    ], "next": next_url}
