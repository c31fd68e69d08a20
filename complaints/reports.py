"""Complaint outcomes for officers, managers and admins: counts and MMK only, never a name.

Computed for the same helpdesk.reports.table.ReportFilter as the beneficiary
table (dates, centres, partner, channel). Cases count in the period they were
opened (or closed, for outcomes) in Asia/Yangon; payments in the period of
their date. Sensitive cases are counted like the others: only numbers leave here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import OPEN_STAGES, Grievance, Stage
from complaints.models import Complaint, ComplaintGrievance, Reimbursement
from helpdesk.choices import Gender
from helpdesk.models import Centre
from helpdesk.reports.table import Period, ReportFilter, report_periods

TOP_AGENCIES = 10
ZERO = Decimal("0.00")


def _start_of(day) -> datetime:
    """Midnight in Asia/Yangon, as an aware datetime (case timestamps are stored in UTC)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def _moment_case(periods: list[Period], field: str) -> Case:
    """Bucket a timestamp into the report's periods by local (Yangon) day."""
    return Case(
        *[When(Q(**{f"{field}__gte": _start_of(p.start), f"{field}__lt": _start_of(p.end + timedelta(days=1))}), then=Value(i))
          for i, p in enumerate(periods)],
        default=Value(-1), output_field=IntegerField(),
    )


def _date_case(periods: list[Period], field: str) -> Case:
    return Case(
        *[When(Q(**{f"{field}__gte": p.start, f"{field}__lte": p.end}), then=Value(i)) for i, p in enumerate(periods)],
        default=Value(-1), output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PeriodOutcome:
    opened: int = 0
    resolved: int = 0
    closed_unresolved: int = 0
    withdrawn: int = 0
    claimed: Decimal = ZERO
    recovered: Decimal = ZERO


@dataclass
class ComplaintOutcomes:
    periods: list[Period]
    by_period: list[PeriodOutcome]
    total: PeriodOutcome
    open_by_stage: list[tuple[str, str, int]]
    by_grievance: list[tuple[str, str, int]]
    by_gender: list[tuple[str, str, int]]
    by_centre: list[dict]  # {"code", "name", "opened", "claimed", "recovered"}
    top_agencies: list[dict]  # {"licence_number", "name", "complaints", "recovered"}


def _scope(report: ReportFilter) -> QuerySet[Complaint]:
    cases = Complaint.objects.filter(centre_id__in=report.centres().values("pk"))
    if report.channel:
        cases = cases.filter(channel=report.channel)
    return cases.order_by()


def complaint_outcomes(report: ReportFilter) -> ComplaintOutcomes:
    """Compute the outcome figures in seven grouped queries, whatever the number of cases."""
    periods = report_periods(report.start, report.end, report.by)
    window = Q(opened_at__gte=_start_of(report.start), opened_at__lt=_start_of(report.end + timedelta(days=1)))
    closed_window = Q(closed_at__gte=_start_of(report.start), closed_at__lt=_start_of(report.end + timedelta(days=1)))
    cases = _scope(report)
    opened = cases.filter(window)

    rows = [dict(opened=0, resolved=0, closed_unresolved=0, withdrawn=0, claimed=ZERO, recovered=ZERO) for _p in periods]
    for item in opened.values(period=_moment_case(periods, "opened_at")).annotate(n=Count("id"), claimed=Sum("amount_claimed")):
        if item["period"] >= 0:
            rows[item["period"]]["opened"] += item["n"]
            rows[item["period"]]["claimed"] += item["claimed"] or ZERO
    closed = cases.filter(closed_window, stage__in=[Stage.RESOLVED, Stage.CLOSED_UNRESOLVED, Stage.WITHDRAWN])
    for item in closed.values("stage", period=_moment_case(periods, "closed_at")).annotate(n=Count("id")):
        if item["period"] >= 0:
            rows[item["period"]][item["stage"]] += item["n"]
    payments = Reimbursement.objects.filter(
        complaint__in=cases.values("pk"), date__gte=report.start, date__lte=report.end
    ).order_by()
    for item in payments.values(period=_date_case(periods, "date")).annotate(total=Sum("amount_mmk")):
        if item["period"] >= 0:
            rows[item["period"]]["recovered"] += item["total"] or ZERO
    by_period = [PeriodOutcome(**row) for row in rows]
    total = PeriodOutcome(
        opened=sum(p.opened for p in by_period), resolved=sum(p.resolved for p in by_period),
        closed_unresolved=sum(p.closed_unresolved for p in by_period), withdrawn=sum(p.withdrawn for p in by_period),
        claimed=sum((p.claimed for p in by_period), ZERO), recovered=sum((p.recovered for p in by_period), ZERO),
    )

    open_counts = dict(opened.filter(stage__in=OPEN_STAGES).values_list("stage").annotate(n=Count("id")))
    stage_labels = dict(Stage.choices)
    grievances = dict(
        ComplaintGrievance.objects.filter(complaint__in=opened.values("pk")).order_by()
        .values_list("grievance").annotate(n=Count("id"))
    )
    genders = dict(opened.values_list("complainant__gender").annotate(n=Count("id")))

    centre_names = {c.pk: c for c in Centre.objects.filter(pk__in=report.centres().values("pk"))}
    per_centre: dict[int, dict] = {}
    for item in opened.values("centre_id").annotate(n=Count("id"), claimed=Sum("amount_claimed")):
        per_centre.setdefault(item["centre_id"], {"opened": 0, "claimed": ZERO, "recovered": ZERO}).update(
            opened=item["n"], claimed=item["claimed"] or ZERO)
    for item in payments.values("complaint__centre_id").annotate(total=Sum("amount_mmk")):
        per_centre.setdefault(item["complaint__centre_id"], {"opened": 0, "claimed": ZERO, "recovered": ZERO})["recovered"] = item["total"]
    by_centre = [
        {"code": centre_names[pk].code, "name": centre_names[pk].name, **figures}
        for pk, figures in sorted(per_centre.items(), key=lambda kv: centre_names[kv[0]].code)
    ]

    agencies = (
        opened.filter(agency__isnull=False)
        .values("agency_id", "agency__licence_number", "agency__name_en", "agency__name_my")
        .annotate(complaints=Count("id")).order_by("-complaints", "agency__licence_number")[:TOP_AGENCIES]
    )
    top_agencies = [
        {"licence_number": a["agency__licence_number"], "name": a["agency__name_en"] or a["agency__name_my"],
         "complaints": a["complaints"]}
        for a in agencies
    ]
    return ComplaintOutcomes(
        periods=periods,
        by_period=by_period,
        total=total,
        open_by_stage=[(s, stage_labels[s], open_counts.get(s, 0)) for s in OPEN_STAGES],
        by_grievance=[(g.value, g.label, grievances.get(g.value, 0)) for g in Grievance],
        by_gender=[(g.value, g.label, genders.get(g.value, 0)) for g in Gender],
        by_centre=by_centre,
        top_agencies=top_agencies,
    )


OUTCOME_COLUMNS = [
    ("opened", _("Opened")),
    ("resolved", _("Resolved")),
    ("closed_unresolved", _("Closed unresolved")),
    ("withdrawn", _("Withdrawn")),
    ("claimed", _("MMK claimed")),
    ("recovered", _("MMK recovered")),
]
