"""Complaint outcomes for officers, managers and admins: counts and MMK only, never a name.

Computed for the same helpdesk.reports.table.ReportFilter as the beneficiary
table (dates, centres, partner, channel). Cases count in the period they were
opened (or closed, for outcomes) in Asia/Yangon; payments in the period of
their date. Sensitive cases are counted like the others: only numbers leave here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from complaints.choices import OPEN_STAGES, Grievance, Stage
from complaints.models import Complaint, ComplaintGrievance, ComplaintMember, Reimbursement
from complaints.money import pyas_to_mmk, sum_mmk
from helpdesk.choices import Gender
from helpdesk.models import Centre
from helpdesk.reports.documents import COUNT, MMK, SHARE, TEXT, Block, Column, Document, ratio
from helpdesk.reports.exports import report_filter_lines
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


@dataclass(frozen=True)
class MoneyRow:
    """MMK claimed (on cases opened) and recovered (payments received) for one centre, per period."""

    code: str
    name: str
    name_my: str
    claimed: tuple[Decimal, ...]
    recovered: tuple[Decimal, ...]

    @property
    def pairs(self) -> list[tuple[Decimal, Decimal]]:
        """(claimed, recovered) per period, for the page."""
        return list(zip(self.claimed, self.recovered, strict=True))

    @property
    def total_claimed(self) -> Decimal:
        return sum(self.claimed, ZERO)

    @property
    def total_recovered(self) -> Decimal:
        return sum(self.recovered, ZERO)


@dataclass(frozen=True)
class WorkerFigures:
    """Workers covered by the cases opened (a single case covers its complainant, a group case each member), by gender.

    ``claimed``: their claims on the cases opened; ``recovered``: the payments received in the period, each
    worker's own (a lump sum on a group case apportioned as on the case page). The genders add up to the totals.
    """

    code: str
    label: str
    workers: int
    claimed: Decimal
    recovered: Decimal


@dataclass
class ComplaintOutcomes:
    periods: list[Period]
    by_period: list[PeriodOutcome]
    total: PeriodOutcome
    open_by_stage: list[tuple[str, str, int]]
    by_grievance: list[tuple[str, str, int]]
    by_gender: list[tuple[str, str, int]]
    by_centre: list[dict]  # {"code", "name", "name_my", "opened", "claimed", "recovered"}
    money: list[MoneyRow]  # centres with cases or payments, by code
    top_agencies: list[dict]  # {"licence_number", "name", "name_my", "complaints"}
    opened_cases: QuerySet[Complaint] | None = field(default=None, repr=False, compare=False)
    period_payments: QuerySet[Reimbursement] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def workers(self) -> list[WorkerFigures]:
        """Per gender: workers covered, MMK claimed and recovered; computed when asked (the dashboards never do)."""
        return _worker_figures(self.opened_cases, self.period_payments)

    @property
    def money_total(self) -> MoneyRow:
        """The sum of the centres' rows, period by period: it equals the per-period figures."""
        return MoneyRow("", "", "", tuple(p.claimed for p in self.by_period), tuple(p.recovered for p in self.by_period))


def _scope(report: ReportFilter) -> QuerySet[Complaint]:
    cases = Complaint.objects.filter(centre_id__in=report.centres().values("pk"))
    if report.channel:
        cases = cases.filter(channel=report.channel)
    return cases.order_by()


def complaint_outcomes(report: ReportFilter) -> ComplaintOutcomes:
    """Compute the outcome figures in eight grouped queries, whatever the number of cases.

    ``workers`` (by gender) takes four more when read, five with group lump sums.

    Cases opened and payments are grouped by centre and period at once: the
    per-period row, the per-centre row and the period x centre MMK table are
    all sums of those few groups, so they cannot disagree.
    """
    periods = report_periods(report.start, report.end, report.by)
    window = Q(opened_at__gte=_start_of(report.start), opened_at__lt=_start_of(report.end + timedelta(days=1)))
    closed_window = Q(closed_at__gte=_start_of(report.start), closed_at__lt=_start_of(report.end + timedelta(days=1)))
    cases = _scope(report)
    opened = cases.filter(window)

    rows = [dict(opened=0, resolved=0, closed_unresolved=0, withdrawn=0, claimed=ZERO, recovered=ZERO) for _p in periods]
    per_centre: dict[int, dict] = {}

    def centre_figures(pk: int) -> dict:
        return per_centre.setdefault(pk, {"opened": 0, "claimed": [ZERO] * len(periods), "recovered": [ZERO] * len(periods)})

    opened_groups = opened.values("centre_id", period=_moment_case(periods, "opened_at")).annotate(
        n=Count("id"), claimed=sum_mmk("amount_claimed"))
    for item in opened_groups:
        if item["period"] < 0:  # cannot happen: the window is the union of the periods
            continue
        claimed = pyas_to_mmk(item["claimed"])
        rows[item["period"]]["opened"] += item["n"]
        rows[item["period"]]["claimed"] += claimed
        figures = centre_figures(item["centre_id"])
        figures["opened"] += item["n"]
        figures["claimed"][item["period"]] += claimed
    closed = cases.filter(closed_window, stage__in=[Stage.RESOLVED, Stage.CLOSED_UNRESOLVED, Stage.WITHDRAWN])
    for item in closed.values("stage", period=_moment_case(periods, "closed_at")).annotate(n=Count("id")):
        if item["period"] >= 0:
            rows[item["period"]][item["stage"]] += item["n"]
    payments = Reimbursement.objects.filter(
        complaint__in=cases.values("pk"), date__gte=report.start, date__lte=report.end
    ).order_by()
    payment_groups = payments.values("complaint__centre_id", period=_date_case(periods, "date")).annotate(total=sum_mmk("amount_mmk"))
    for item in payment_groups:
        if item["period"] < 0:
            continue
        total = pyas_to_mmk(item["total"])
        rows[item["period"]]["recovered"] += total
        centre_figures(item["complaint__centre_id"])["recovered"][item["period"]] += total
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

    centres = {c.pk: c for c in Centre.objects.filter(pk__in=report.centres().values("pk")).only("code", "name", "name_my")}
    ordered = sorted(per_centre, key=lambda pk: centres[pk].code)
    money = [
        MoneyRow(centres[pk].code, centres[pk].name, centres[pk].name_my,
                 tuple(per_centre[pk]["claimed"]), tuple(per_centre[pk]["recovered"]))
        for pk in ordered
    ]
    by_centre = [
        {"code": row.code, "name": row.name, "name_my": row.name_my, "opened": per_centre[pk]["opened"],
         "claimed": row.total_claimed, "recovered": row.total_recovered}
        for pk, row in zip(ordered, money, strict=True)
    ]

    agencies = (
        opened.filter(agency__isnull=False)
        .values("agency_id", "agency__licence_number", "agency__name_en", "agency__name_my")
        .annotate(complaints=Count("id")).order_by("-complaints", "agency__licence_number")[:TOP_AGENCIES]
    )
    top_agencies = [
        {"licence_number": a["agency__licence_number"], "name": a["agency__name_en"] or a["agency__name_my"],
         "name_my": a["agency__name_my"], "complaints": a["complaints"]}
        for a in agencies
    ]
    return ComplaintOutcomes(
        opened_cases=opened,
        period_payments=payments,
        periods=periods,
        by_period=by_period,
        total=total,
        open_by_stage=[(s, stage_labels[s], open_counts.get(s, 0)) for s in OPEN_STAGES],
        by_grievance=[(g.value, g.label, grievances.get(g.value, 0)) for g in Grievance],
        by_gender=[(g.value, g.label, genders.get(g.value, 0)) for g in Gender],
        by_centre=by_centre,
        money=money,
        top_agencies=top_agencies,
    )


def _worker_figures(opened: QuerySet[Complaint], payments: QuerySet[Reimbursement]) -> list[WorkerFigures]:
    """Workers, claims and money by the gender of each worker covered (see WorkerFigures), in five queries."""
    from complaints.group import group_figures

    workers = dict.fromkeys(Gender.values, 0)
    claimed = dict.fromkeys(Gender.values, ZERO)
    recovered = dict.fromkeys(Gender.values, ZERO)
    grouped = ComplaintMember.objects.order_by().values("complaint_id")
    singles = opened.exclude(pk__in=grouped).values_list("complainant__gender").annotate(n=Count("id"), claimed=sum_mmk("amount_claimed"))
    for gender, n, pyas in singles:
        workers[gender] += n
        claimed[gender] += pyas_to_mmk(pyas)
    members = ComplaintMember.objects.filter(complaint__in=opened.values("pk")).order_by().values_list("person__gender")
    for gender, n, pyas in members.annotate(n=Count("id"), claimed=sum_mmk("amount_claimed")):
        workers[gender] += n
        claimed[gender] += pyas_to_mmk(pyas)
    single_paid = payments.exclude(complaint__in=grouped).values_list("complaint__complainant__gender").annotate(total=sum_mmk("amount_mmk"))
    for gender, pyas in single_paid:
        recovered[gender] += pyas_to_mmk(pyas)
    group_paid: dict[int, list[Reimbursement]] = {}
    for payment in payments.filter(complaint__in=grouped).order_by("date", "id"):
        group_paid.setdefault(payment.complaint_id, []).append(payment)
    if group_paid:
        members_of: dict[int, list[ComplaintMember]] = {}
        for member in ComplaintMember.objects.filter(complaint__in=list(group_paid)).select_related("person").order_by("role", "joined_at", "id"):
            members_of.setdefault(member.complaint_id, []).append(member)
        for pk, paid in group_paid.items():
            for row in group_figures(None, members_of[pk], paid)["rows"]:
                recovered[row["member"].person.gender] += row["received"]
    return [WorkerFigures(g.value, g.label, workers[g.value], claimed[g.value], recovered[g.value]) for g in Gender]


OUTCOME_COLUMNS = [
    ("opened", _("Opened")),
    ("resolved", _("Resolved")),
    ("closed_unresolved", _("Closed unresolved")),
    ("withdrawn", _("Withdrawn")),
    ("claimed", _("MMK claimed")),
    ("recovered", _("MMK recovered")),
]
OUTCOMES_NOTE = _(
    "Opened: cases opened in the period; resolved, closed unresolved and withdrawn: cases closed in the period; "
    "MMK claimed: on cases opened in the period; MMK recovered: payments received in the period."
)


def _centre_label(code: str, name: str, name_my: str) -> str:
    burmese = (translation.get_language() or "").startswith("my")
    return f"{code} · {name_my if burmese and name_my else name}"


def outcomes_document(result: ComplaintOutcomes, report: ReportFilter) -> Document:
    """Describe the outcomes as the blocks every export prints, with labels in the active language."""
    cases = result.total.opened
    period_rows = [*((p.label, f) for p, f in zip(result.periods, result.by_period, strict=True)), (_("Total"), result.total)]
    period_block = Block(
        title=str(_("Cases and MMK per period")),
        columns=(Column(str(_("Period")), TEXT), *(Column(str(label), MMK if name in ("claimed", "recovered") else COUNT)
                                                     for name, label in OUTCOME_COLUMNS)),
        rows=tuple((str(label), *(getattr(f, name) for name, _label in OUTCOME_COLUMNS)) for label, f in period_rows),
        totals=frozenset({len(period_rows) - 1}),
        note=str(OUTCOMES_NOTE),
    )
    money_rows = [*result.money, result.money_total]
    money_block = Block(
        title=str(_("MMK claimed and recovered per centre and period")),
        columns=(Column(str(_("Centre")), TEXT),
                 *(Column(str(label), MMK) for _p in [*result.periods, None] for label in (_("Claimed"), _("Recovered")))),
        groups=tuple((label, 2) for label in [*(p.label for p in result.periods), str(_("Total"))]),
        rows=tuple(
            (_centre_label(row.code, row.name, row.name_my) if row.code else str(_("Total")),
             *(v for pair in zip([*row.claimed, row.total_claimed], [*row.recovered, row.total_recovered], strict=True)
               for v in pair))
            for row in money_rows
        ),
        totals=frozenset({len(money_rows) - 1}),
        note=str(_("Claimed: on cases opened in the period; recovered: payments received in the period.")),
    )
    share = Column(str(_("Share of cases opened")), SHARE)
    return Document(title=str(_("Complaint outcomes")), filters=report_filter_lines(report), blocks=[
        period_block,
        money_block,
        Block(str(_("Still open, by stage")), (Column(str(_("Stage")), TEXT), Column(str(_("Cases")))),
              tuple((str(label), n) for _code, label, n in result.open_by_stage),
              note=str(_("Of the cases opened in the period."))),
        Block(str(_("By grievance")), (Column(str(_("Grievance")), TEXT), Column(str(_("Cases"))), share),
              tuple((str(label), n, ratio(n, cases)) for _code, label, n in result.by_grievance),
              note=str(_("A case may raise several grievances."))),
        Block(str(_("By gender of the complainant")), (Column(str(_("Gender")), TEXT), Column(str(_("Cases"))), share),
              tuple((str(label), n, ratio(n, cases)) for _code, label, n in result.by_gender)),
        Block(str(_("Workers covered, by gender")),
              (Column(str(_("Gender")), TEXT), Column(str(_("Workers"))), Column(str(_("MMK claimed")), MMK),
               Column(str(_("MMK recovered")), MMK)),
              tuple((str(w.label), w.workers, w.claimed, w.recovered) for w in result.workers),
              note=str(_("A group case covers each of its members; a single case its complainant. Lump sums paid to a group "
                         "are apportioned between its members as on the case page."))),
        Block(str(_("By centre")), (Column(str(_("Centre")), TEXT), Column(str(_("Opened"))),
                                    Column(str(_("MMK claimed")), MMK), Column(str(_("MMK recovered")), MMK)),
              tuple((_centre_label(c["code"], c["name"], c["name_my"]), c["opened"], c["claimed"], c["recovered"])
                    for c in result.by_centre)),
        Block(str(_("Agencies with the most complaints")),
              (Column(str(_("Licence")), TEXT), Column(str(_("Agency")), TEXT), Column(str(_("Complaints")))),
              tuple((a["licence_number"], _agency_name(a), a["complaints"]) for a in result.top_agencies)),
    ])


def _agency_name(agency: dict) -> str:
    burmese = (translation.get_language() or "").startswith("my")
    return agency["name_my"] if burmese and agency["name_my"] else agency["name"]
