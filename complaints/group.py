"""Group cases: one case for many workers against the same agency or employer.

A case with no :class:`ComplaintMember` rows is a single case. Making it a group adds the complainant
as the lead (keeping the reference and the intake contact); every other member joins with their own
complaint contact logged through ``helpdesk.services.contact_log``, so the beneficiary table counts
each worker covered exactly once and the report rollups stay exact. Removing a member deletes that
contact (``contact_delete``), so the count follows.

The case's ``amount_claimed`` is the sum of the members' claims (kept so by these services), so
every existing total (outcome report, API, agency panel) counts a group's claim once.

Lump sums (payments with no member) are apportioned when shown, by :func:`apportion`.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.choices import EntryKind, MemberRole
from complaints.models import Complaint, ComplaintMember, Reimbursement, TimelineEntry
from complaints.money import format_amount
from complaints.services import GRIEVANCE_TOPICS
from helpdesk import consent
from helpdesk.choices import Gender, Service, Topic
from helpdesk.models import Person
from helpdesk.selectors import person_served_at
from helpdesk.services import contact_delete, contact_log

User = AbstractBaseUser

MEMBER_OTHER_CENTRE = _("This person is registered at another centre: only people of the case's centre can join it.")
MEMBER_ALREADY = _("This person is already covered by the case.")
MEMBER_LEAD_STAYS = _("The lead complainant cannot be removed: make the case a single case instead, once they are the only member.")
MEMBER_HAS_PAYMENTS = _("Payments were recorded for this member: correct or remove them first.")
SINGLE_NEEDS_ONE = _("Remove the other members first: a single case covers only the lead complainant.")
NOT_A_GROUP = _("This case is not a group case.")
REASON_REQUIRED = _("Say why the member is removed.")
GROUP_CLAIM_PER_MEMBER = _("On a group case the amount claimed is the sum of the members' claims: change it member by member.")

WHOLE_KYAT = Decimal("1")


# Reads ------------------------------------------------------------------------------------------

def is_group(complaint: Complaint) -> bool:
    return complaint.members.exists()


def apportion(amount: Decimal, claims: Sequence[tuple[Hashable, Decimal | None]], lead: Hashable) -> dict[Hashable, Decimal]:
    """Split a lump sum between members: pro rata to their claims, in whole kyat, the remainder to the lead.

    ``claims`` is (key, amount claimed or None) per member. When no member claims anything (all None
    or zero), the shares are equal. Each share is rounded down to whole kyat; what is left (at most a
    few kyat, and any pyas) goes to the lead, so the shares always add up to ``amount`` exactly.
    """
    if not claims:
        return {}
    weights = [(key, claim or Decimal(0)) for key, claim in claims]
    total = sum((w for _k, w in weights), Decimal(0))
    if total <= 0:
        weights = [(key, Decimal(1)) for key, _w in weights]
        total = Decimal(len(weights))
    shares = {key: (amount * weight / total).quantize(WHOLE_KYAT, rounding=ROUND_DOWN) for key, weight in weights}
    if lead not in shares:
        lead = weights[0][0]
    shares[lead] += amount - sum(shares.values(), Decimal(0))
    return shares


def group_members(complaint: Complaint) -> list[ComplaintMember]:
    return list(complaint.members.select_related("person").order_by("role", "joined_at", "id"))


def group_figures(complaint: Complaint | None, members: list[ComplaintMember] | None = None,
                  payments: list[Reimbursement] | None = None) -> dict:
    """Return what the case page, PDF and exports show of a group: numbers computed here only.

    ``rows``: per member (lead first) ``member``, ``claimed``, ``paid`` (payments recorded for them),
    ``apportioned`` (their shares of the lump sums) and ``received`` (the two together); ``lump_sums``:
    the payments with no member; ``by_gender``: workers covered per gender code (lead included).
    The members' ``received`` add up to the case's recovered total exactly.
    """
    members = group_members(complaint) if members is None else members
    payments = list(complaint.reimbursements.all()) if payments is None else payments
    paid = {m.pk: Decimal(0) for m in members}
    apportioned = {m.pk: Decimal(0) for m in members}
    lead = next((m.pk for m in members if m.is_lead), members[0].pk if members else None)
    claims = [(m.pk, m.amount_claimed) for m in members]
    lump_sums = []
    for payment in payments:
        if payment.member_id in paid:
            paid[payment.member_id] += payment.amount_mmk
        elif members:
            lump_sums.append(payment)
            for key, share in apportion(payment.amount_mmk, claims, lead).items():
                apportioned[key] += share
    rows = [
        {"member": m, "claimed": m.amount_claimed, "paid": paid[m.pk], "apportioned": apportioned[m.pk],
         "received": paid[m.pk] + apportioned[m.pk]}
        for m in members
    ]
    by_gender: dict[str, int] = {}
    for m in members:
        by_gender[m.person.gender] = by_gender.get(m.person.gender, 0) + 1
    return {"rows": rows, "lump_sums": lump_sums, "by_gender": by_gender, "count": len(members)}


def group_figures_by_case(complaints) -> dict[int, dict]:
    """Return the group figures of the group cases among ``complaints`` (a queryset or ids), by case id, in two queries.

    Each value is ``count``, ``by_gender`` and ``rows`` of ``name``, ``gender`` (label), ``gender_code``, ``role``,
    ``claimed``, ``received``; callers without the right to names (the API) leave ``name`` out.
    """
    members: dict[int, list[ComplaintMember]] = {}
    ids = complaints.order_by().values("pk") if hasattr(complaints, "order_by") else list(complaints)
    for member in ComplaintMember.objects.filter(complaint__in=ids).select_related("person").order_by("complaint", "role", "joined_at", "id"):
        members.setdefault(member.complaint_id, []).append(member)
    payments: dict[int, list[Reimbursement]] = {}
    for payment in Reimbursement.objects.filter(complaint__in=list(members)).order_by("date", "id"):
        payments.setdefault(payment.complaint_id, []).append(payment)
    result = {}
    for pk, rows in members.items():
        figures = group_figures(None, rows, payments.get(pk, []))
        result[pk] = {
            "count": figures["count"], "by_gender": figures["by_gender"],
            "rows": [{"name": str(r["member"].person), "gender": r["member"].person.get_gender_display(),
                      "gender_code": r["member"].person.gender, "role": r["member"].role,
                      "claimed": r["claimed"], "received": r["received"]} for r in figures["rows"]],
        }
    return result


def gender_counts(by_gender: dict[str, int]) -> list[tuple[str, str, int]]:
    """Return (code, label, count) for every gender present, in the project's gender order."""
    return [(g.value, g.label, by_gender[g.value]) for g in Gender if by_gender.get(g.value)]


def member_received(complaint: Complaint, person_id: int) -> Decimal | None:
    """Return what one member of a group case received (their payments and shares), None when not a member."""
    figures = group_figures(complaint)
    return next((row["received"] for row in figures["rows"] if row["member"].person_id == person_id), None)


def person_case_list(person_id: int):
    """Return the person's cases, as complainant or as a group member, newest first, with ``recovered``."""
    joined = ComplaintMember.objects.filter(person_id=person_id).values("complaint_id")
    return Complaint.objects.filter(Q(complainant_id=person_id) | Q(pk__in=joined)).with_recovered().order_by("-opened_at", "-id")


def own_received(complaint: Complaint, person_id: int) -> Decimal:
    """What the person received on the case: on a group case their own part, else the case's total."""
    received = member_received(complaint, person_id)
    return complaint.recovered if received is None else received


# Writes ------------------------------------------------------------------------------------------

def member_check(complaint: Complaint, person: Person) -> None:
    """Refuse a person who may not join the case: the complainant's rule (a person served at the case's centre:
    held there or shared with it), with consent to records and not erased."""
    if not person_served_at(person, complaint.centre_id):
        raise ValidationError({"person": MEMBER_OTHER_CENTRE}, code="invalid")
    consent.check_can_record(person)  # also refuses an erased person


def _contact_for(complaint: Complaint, person: Person, by: User | None, day):
    """Log the member's complaint contact as complaint_open logs the complainant's (no details of a sensitive case)."""
    codes = complaint.grievance_codes
    sensitive = complaint.sensitive
    return contact_log(
        centre=complaint.centre, staff=by, service=Service.COMPLAINT, channel=complaint.channel, person=person,
        date=day,
        topics=[Topic.LEGAL_ADVICE, *(() if sensitive else (GRIEVANCE_TOPICS[c] for c in codes if c in GRIEVANCE_TOPICS))],
        notes="" if sensitive else complaint.reference,
    )


def _sync_claimed(complaint: Complaint) -> None:
    """Keep the case's amount claimed equal to the sum of its members' claims (None when nobody claims)."""
    claims = [c for c in complaint.members.values_list("amount_claimed", flat=True) if c is not None]
    total = sum(claims, Decimal(0)) if claims else None
    if complaint.amount_claimed != total:
        complaint.amount_claimed = total
        complaint.save(update_fields=["amount_claimed", "updated_at"])


def _log(complaint: Complaint, by: User | None, text: str) -> None:
    TimelineEntry.objects.create(complaint=complaint, kind=EntryKind.MEMBERS, author=by, text=text)


def _person_text(person: Person) -> str:
    return f"{person} ({person.get_gender_display()})"


@transaction.atomic
def complaint_make_group(*, complaint: Complaint, by: User | None) -> ComplaintMember:
    """Make a single case a group case: the complainant becomes the lead with the case's claim and intake contact.

    The reference, payments (now lump sums) and contact stay; returns the lead. Idempotent.
    """
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    lead = complaint.members.filter(role=MemberRole.LEAD).first()
    if lead is not None:
        return lead
    lead = ComplaintMember(
        complaint=complaint, person=complaint.complainant, role=MemberRole.LEAD, amount_claimed=complaint.amount_claimed,
        contact=complaint.intake_contact, joined_at=complaint.opened_at,
    )
    lead.full_clean()
    lead.save()
    _log(complaint, by, str(_("Made a group case; lead: %(person)s") % {"person": _person_text(complaint.complainant)}))
    return lead


@transaction.atomic
def complaint_member_add(
    *, complaint: Complaint, person: Person, by: User | None, amount_claimed: Decimal | None = None,
    joined_at: datetime | None = None,
) -> ComplaintMember:
    """Add a worker to the case (making it a group case first) and log their complaint contact.

    The contact is dated the day they joined (``joined_at``, for members entered late from paper forms: today by default).
    """
    member_check(complaint, person)
    complaint_make_group(complaint=complaint, by=by)
    if complaint.members.filter(person=person).exists():
        raise ValidationError({"person": MEMBER_ALREADY}, code="unique")
    joined_at = joined_at or timezone.now()
    member = ComplaintMember(
        complaint=complaint, person=person, role=MemberRole.MEMBER, amount_claimed=amount_claimed, joined_at=joined_at
    )
    member.full_clean(exclude=["contact"])
    member.contact = _contact_for(complaint, person, by, timezone.localdate(joined_at))
    member.save()
    complaint.refresh_from_db(fields=["amount_claimed"])
    _sync_claimed(complaint)
    claim = f" · {format_amount(amount_claimed)} MMK" if amount_claimed is not None else ""
    _log(complaint, by, f"+ {_person_text(person)}{claim}")
    return member


@transaction.atomic
def complaint_member_update(*, member: ComplaintMember, by: User | None, amount_claimed: Decimal | None) -> ComplaintMember:
    """Change what one member claims; the case's claim follows."""
    if member.amount_claimed == amount_claimed:
        return member
    before = member.amount_claimed
    member.amount_claimed = amount_claimed
    member.full_clean()
    member.save()
    _sync_claimed(member.complaint)
    _log(member.complaint, by, f"{_person_text(member.person)}: {format_amount(before) or '—'} → {format_amount(amount_claimed) or '—'} MMK")
    return member


@transaction.atomic
def complaint_member_remove(*, member: ComplaintMember, by: User | None, reason: str) -> None:
    """Take a member off the case (joined by mistake, or withdrew); their complaint contact goes with them.

    The lead stays (make the case single instead); a member with payments recorded for them stays until
    those are corrected. The history keeps the member row and the contact.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED}, code="required")
    if member.is_lead:
        raise ValidationError(MEMBER_LEAD_STAYS, code="lead")
    if member.payments.exists():
        raise ValidationError(MEMBER_HAS_PAYMENTS, code="payments")
    complaint, contact, person = member.complaint, member.contact, member.person
    member.delete()
    if contact is not None:
        contact_delete(contact=contact)
    _sync_claimed(complaint)
    _log(complaint, by, f"− {_person_text(person)}: {reason}")


@transaction.atomic
def complaint_make_single(*, complaint: Complaint, by: User | None) -> Complaint:
    """Make a group case single again once only the lead is left: reference, claim, payments and contact stay."""
    members = list(complaint.members.all())
    if not members:
        raise ValidationError(NOT_A_GROUP, code="single")
    if len(members) > 1:
        raise ValidationError(SINGLE_NEEDS_ONE, code="members")
    lead = members[0]
    Reimbursement.objects.filter(member=lead).update(member=None)
    lead.delete()
    _log(complaint, by, str(_("Made a single case again.")))
    return complaint
