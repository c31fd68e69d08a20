"""Reads of complaint cases scoped to the user, and MMK totals computed in the database.

The sensitive rule lives here and nowhere else: a sensitive case is seen
only by its assigned staff, the managers of its centre and admins; every
list, search, export and PDF starts from :func:`complaints_for_user`.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.http import Http404

from complaints.choices import OPEN_STAGES, Outcome, Stage
from complaints.models import Complaint, ComplaintGrievance, ComplaintMember, Reimbursement
from complaints.money import pyas_to_mmk, sum_mmk
from helpdesk.choices import Role
from helpdesk.pagination import capped_counts
from helpdesk.selectors import User, user_centre_ids, user_is_admin, user_is_manager_of
from helpdesk.text import normalize_text


def visible_filter(user: User) -> Q | None:
    """Return the condition on Complaint rows this user may see (None: everything)."""
    if user_is_admin(user):
        return None
    centres = user_centre_ids(user)
    managed = user_centre_ids(user, (Role.MANAGER,))
    return Q(centre_id__in=centres) & (Q(sensitive=False) | Q(assigned_to_id=user.pk) | Q(centre_id__in=managed))


def visible_complaints(user: User) -> QuerySet[Complaint]:
    """Return the bare cases the user may see (for counts and subqueries)."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    condition = visible_filter(user)
    if condition is None:
        return Complaint.objects.all()
    if not user_centre_ids(user):
        return Complaint.objects.none()
    return Complaint.objects.filter(condition)


def complaints_for_user(user: User) -> QuerySet[Complaint]:
    """Return the cases the user may see, with what the list shows loaded (constant queries)."""
    return (
        visible_complaints(user)
        .select_related("centre", "complainant", "assigned_to", "agency")
        .prefetch_related(Prefetch("grievances", queryset=ComplaintGrievance.objects.order_by("id")))
        .with_recovered()
    )


def complaint_get_for_user(user: User, pk) -> Complaint:
    """Return the case or 404, whether it is missing or the user may not see it."""
    try:
        return complaints_for_user(user).get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reimbursement_get_for_user(user: User, pk) -> Reimbursement:
    """Return a payment of a case the user may see, or 404."""
    condition = visible_filter(user)
    payments = Reimbursement.objects.select_related("complaint", "complaint__centre")
    if condition is not None:
        if not user_centre_ids(user):
            raise Http404
        payments = payments.filter(complaint__in=Complaint.objects.filter(condition))
    try:
        return payments.get(pk=pk)
    except (Reimbursement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def member_get_for_user(user: User, pk) -> ComplaintMember:
    """Return a group member of a case the user may see, or 404 (the same rule as the case itself)."""
    try:
        member = ComplaintMember.objects.select_related("person", "complaint").get(pk=pk)
    except (ComplaintMember.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    member.complaint = complaint_get_for_user(user, member.complaint_id)
    return member


def user_manages_complaint(user: User | None, complaint: Complaint) -> bool:
    """Return True for the managers of the case's centre and admins."""
    return user is not None and user_is_manager_of(user, complaint.centre_id)


def complaint_search(user: User, query: str) -> QuerySet[Complaint]:
    """Return the user's cases matching a reference, a complainant's name or phone, an agency or an employer."""
    from helpdesk.models import Person

    query = normalize_text(query)  # Zawgyi typed into the search box still finds Unicode records
    complaints = complaints_for_user(user)
    if not query:
        return complaints
    people = Person.objects.search(query).values("pk")
    if _is_phone_number(query):  # only complainants' phones: an index read, never a scan of every case's texts
        return complaints.filter(complainant__in=people)
    condition = (
        Q(reference__iexact=query) | Q(reference__icontains=query) | Q(complainant__in=people)
        | Q(agency__name_en__icontains=query) | Q(agency__name_my__icontains=query)
        | Q(agency__licence_number__iexact=query) | Q(employer__icontains=query)
    )
    return complaints.filter(condition)


def _is_phone_number(query: str) -> bool:
    """True for a whole phone number as people type one (``09…``, ``+95…``, ``959…``, ``08…``, any script).

    Digits of a reference ("2026-0032") can parse as a Thai landline, so a number must also start as phones do.
    """
    from helpdesk.text import digits_to_ascii, parse_phone

    typed = digits_to_ascii(query).strip()
    starts_as_a_phone = typed.startswith("+") or typed[:1] in ("0", "9")
    if not starts_as_a_phone or any(ch.isalpha() for ch in typed):
        return False
    try:
        parse_phone(query)
    except ValueError:
        return False
    return True


def complaints_filtered(
    user: User,
    *,
    q: str = "",
    stage: str = "",
    centre=None,
    grievance: str = "",
    agency=None,
    mine: bool = False,
    unassigned: bool = False,
    overdue: bool = False,
    minor: bool = False,
    due: bool = False,
    sensitive: bool = False,
    stale: int | None = None,
    assignee: int | None = None,
) -> QuerySet[Complaint]:
    """Return the user's cases narrowed by the case list's filters (the export and the dashboard's links use the same)."""
    complaints = complaint_search(user, q)
    if stage == "open":
        complaints = complaints.open()
    elif stage:
        complaints = complaints.filter(stage=stage)
    if centre is not None:
        complaints = complaints.filter(centre=centre)
    if grievance:
        complaints = complaints.filter(pk__in=ComplaintGrievance.objects.filter(grievance=grievance).values("complaint_id"))
    if agency is not None:
        complaints = complaints.filter(agency=agency)
    if mine:
        complaints = complaints.filter(assigned_to_id=user.pk)
    if unassigned:
        complaints = complaints.filter(assigned_to=None)
    if overdue:
        complaints = complaints.overdue().order_by("next_follow_up", "id")  # the longest overdue first
    if minor:
        complaints = complaints.minors()
    if due:
        complaints = complaints.follow_up_due().order_by("next_follow_up", "id")
    if sensitive:
        complaints = complaints.filter(sensitive=True)
    if stale:
        complaints = complaints.stale(stale).order_by("updated_at", "id")  # the longest untouched first
    if assignee:
        complaints = complaints.filter(assigned_to_id=assignee)
    return complaints


def filter_agency(pk):
    """Return the agency of the case list's ``?agency=<id>``, or None for a missing or malformed id."""
    from agencies.models import Agency

    try:
        return Agency.objects.filter(pk=int(pk)).first() if pk else None
    except (TypeError, ValueError, OverflowError):
        return None


def user_can_reassign(user: User, complaint: Complaint) -> bool:
    """Managers and admins reassign any case; staff hand on a case they carry, or pick up an unassigned one."""
    return user_manages_complaint(user, complaint) or complaint.assigned_to_id in (None, user.pk)


def complainant_other_contacts(user: User, complaint: Complaint):
    """Return the complainant's contacts other than this case's intake, as the user may see them."""
    from helpdesk.selectors import contacts_for_user

    return contacts_for_user(user).filter(person_id=complaint.complainant_id).exclude(pk=complaint.intake_contact_id)[:50]


def person_complaints(user: User, person) -> QuerySet[Complaint]:
    """Return the person's cases the user may see (sensitive ones only for those allowed), group cases they joined too."""
    joined = ComplaintMember.objects.filter(person=person).values("complaint_id")
    return complaints_for_user(user).filter(Q(complainant=person) | Q(pk__in=joined))


def case_list_counts(user: User, listed: QuerySet[Complaint]) -> dict:
    """Return the case list's counts in one query, each capped at 1,000 (``helpdesk.pagination.capped_counts``).

    ``total``: the cases listed (filters applied); ``by_stage``: (stage, label, count) for every open
    stage; ``alerts``: open cases with an overdue follow-up, an under-18 complainant, or nobody
    assigned. All start from :func:`visible_complaints`, so a hidden sensitive case is never counted.
    """
    visible = visible_complaints(user)
    counts = capped_counts({
        "total": listed,
        **{stage: visible.filter(stage=stage) for stage in OPEN_STAGES},
        "overdue": visible.overdue(),
        "minors": visible.open().minors(),
        "unassigned": visible.open().filter(assigned_to=None),
    })
    labels = dict(Stage.choices)
    return {
        "total": counts["total"],
        "by_stage": [(stage, labels[stage], counts[stage]) for stage in OPEN_STAGES],
        "alerts": {name: counts[name] for name in ("overdue", "minors", "unassigned")},
    }


def complaint_payments(complaint: Complaint) -> list[Reimbursement]:
    return list(complaint.reimbursements.select_related("recorded_by", "member__person").order_by("date", "id"))


def complaint_timeline(complaint: Complaint):
    return complaint.timeline.select_related("author").order_by("created_at", "id")


# Totals ------------------------------------------------------------------------

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter, "year": TruncYear}
GROUPS = {"case": "complaint_id", "centre": "complaint__centre_id", "agency": "complaint__agency_id"}


def recovered_totals(
    *, by: str, start: date | None = None, end: date | None = None, centre_ids: list[int] | None = None
) -> list[dict]:
    """Return MMK recovered grouped ``by`` case, centre, agency, month, quarter or year, summed in the database.

    Each row is ``{"key": <complaint/centre/agency id or first day of the period>, "total": Decimal,
    "payments": int, "cases": int}``, in key order (by agency, key None gathers cases with no agency); ``start``/``end`` bound the payment date
    (inclusive) and ``centre_ids`` the cases' centres. Rows carry no personal data: officers' reports may use them.
    """
    payments = Reimbursement.objects.order_by()
    if start is not None:
        payments = payments.filter(date__gte=start)
    if end is not None:
        payments = payments.filter(date__lte=end)
    if centre_ids is not None:
        payments = payments.filter(complaint__centre_id__in=centre_ids)
    if by in GROUPS:
        grouped = payments.values(key=F(GROUPS[by]))
    elif by in PERIODS:
        grouped = payments.annotate(key=PERIODS[by]("date")).values("key")
    else:
        raise ValueError(f"recovered_totals: by must be one of {sorted([*GROUPS, *PERIODS])}, not {by!r}")
    rows = grouped.annotate(
        total=sum_mmk("amount_mmk"), payments=Count("id"), cases=Count("complaint_id", distinct=True)
    ).order_by("key")
    return [{**row, "total": pyas_to_mmk(row["total"])} for row in rows]


def recovered_total(
    *, start: date | None = None, end: date | None = None, centre_ids: list[int] | None = None, agency_id: int | None = None
) -> Decimal:
    """Return the MMK recovered in all (optionally for one agency's cases), in one query."""
    payments = Reimbursement.objects.all()
    if agency_id is not None:
        payments = payments.filter(complaint__agency_id=agency_id)
    if start is not None:
        payments = payments.filter(date__gte=start)
    if end is not None:
        payments = payments.filter(date__lte=end)
    if centre_ids is not None:
        payments = payments.filter(complaint__centre_id__in=centre_ids)
    return pyas_to_mmk(payments.aggregate(total=sum_mmk("amount_mmk"))["total"])


def agency_complaint_summary(agency_id: int) -> dict:
    """Return an agency's case counts and MMK recovered: numbers only, no names (shown to anyone who sees the agency)."""
    counts = Complaint.objects.filter(agency_id=agency_id).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(stage__in=OPEN_STAGES)),
        resolved=Count("id", filter=Q(stage=Stage.RESOLVED)),
        paid=Count("id", filter=Q(stage=Stage.RESOLVED, outcome__in=[Outcome.REIMBURSED, Outcome.COMPENSATED])),
    )
    counts["recovered"] = recovered_total(agency_id=agency_id)
    return counts
