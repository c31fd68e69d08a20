"""What a token may read: its centres' aggregates through the pages' own report functions, the register, its cases."""
from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from api.models import ApiToken
from api.services import token_digest
from complaints.models import Complaint, ComplaintGrievance
from helpdesk.models import Centre
from helpdesk.reports.table import ReportFilter


def api_token_for_secret(secret: str) -> ApiToken | None:
    """Return the active token with this secret, or None (unknown and revoked alike)."""
    if not secret:
        return None
    return ApiToken.objects.active().filter(token_hash=token_digest(secret)).first()


def token_centres(token: ApiToken) -> QuerySet[Centre]:
    return Centre.objects.filter(pk__in=token.centres.values("pk")).order_by("code")


def token_centre_ids(token: ApiToken, codes: list[str]) -> tuple[int, ...]:
    """Return the ids of the centres asked for by code (all the token's when none), within the token's centres.

    A code outside the token's scope is refused exactly like an unknown one, so a token learns nothing of other centres.
    """
    allowed = dict(token_centres(token).values_list("code", "pk"))
    if not codes:
        return tuple(sorted(allowed.values()))
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise LookupError(unknown[0])
    return tuple(sorted(allowed[code] for code in set(codes)))


def token_partners(token: ApiToken) -> list[str]:
    return list(token_centres(token).order_by("partner_organisation").values_list("partner_organisation", flat=True).distinct())


def token_report_filter(
    token: ApiToken, *, start: date, end: date, by: str, centres: list[str], partner: str = "", channel: str = ""
) -> ReportFilter:
    """The filter the report pages build for a user, built for a token: never past the token's centres."""
    return ReportFilter(start=start, end=end, by=by, centre_ids=token_centre_ids(token, centres), partner=partner, channel=channel)


def token_cases(
    token: ApiToken, *, centre_ids: tuple[int, ...], opened_from: date | None = None, opened_to: date | None = None, stage: str = ""
) -> QuerySet[Complaint]:
    """Cases a case-level token may list: its centres', never sensitive ones (those are only counted, in outcomes)."""
    cases = (
        Complaint.objects.with_recovered()
        .filter(centre_id__in=centre_ids, sensitive=False)
        .select_related("centre", "agency", "complainant")
        .prefetch_related(Prefetch("grievances", queryset=ComplaintGrievance.objects.order_by("grievance")))
        .only(
            "reference", "centre__code", "channel", "stage", "outcome", "referred_to", "agency__licence_number",
            "destination_country", "amount_claimed", "opened_at", "closed_at", "complainant__gender",
        )
    )
    if opened_from:
        cases = cases.filter(opened_at__date__gte=opened_from)
    if opened_to:
        cases = cases.filter(opened_at__date__lte=opened_to)
    if stage == "open":
        cases = cases.open()
    elif stage:
        cases = cases.filter(stage=stage)
    return cases
