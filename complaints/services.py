"""Writes to complaint cases. Views, the bots' intake, admin and commands all call these."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from complaints.choices import SENSITIVE_GRIEVANCES, Currency, EntryKind, Grievance
from complaints.extensions import CaseEvent, case_event
from complaints.models import (
    Complaint,
    ComplaintGrievance,
    ComplaintMember,
    ReferenceCounter,
    Reimbursement,
    TimelineEntry,
)
from complaints.money import format_amount
from complaints.workflow import complaint_move  # noqa: F401  (re-exported: the one way to move a case)
from helpdesk.choices import Channel, Role, Service, Topic
from helpdesk.models import Centre, Membership, Person
from helpdesk.selectors import person_served_at
from helpdesk.services import contact_log
from helpdesk.text import normalize_text

User = AbstractBaseUser

GRIEVANCE_REQUIRED = _("Choose at least one grievance.")
GRIEVANCE_UNKNOWN = _("Unknown grievance: %(code)s.")
COMPLAINANT_OTHER_CENTRE = _("The complainant is registered at another centre.")
ASSIGNEE_NOT_AT_CENTRE = _("Assign the case to staff or a manager of its centre.")
NOTE_EMPTY = _("Write the note before saving it.")
FUTURE_DATE = _("The date cannot be in the future.")
FOREIGN_AMOUNT_REQUIRED = _("Give the amount paid in %(currency)s.")
RATE_OR_MMK_REQUIRED = _("Give the exchange rate or the amount in MMK.")
AMOUNT_REQUIRED = _("Give the amount received in MMK.")
AMOUNT_POSITIVE = _("The amount must be more than zero.")
NOT_MANAGER_UNMARK_SENSITIVE = _("Only a manager can mark a sensitive case as not sensitive.")

# The helpdesk contact topics a complaint's grievances count under in the beneficiary table.
# A sensitive case's contact gets none of them: every staff member of the centre sees the
# person's contacts, and an "abuse" topic there would tell them what the case is about.
GRIEVANCE_TOPICS = {
    Grievance.OVERCHARGED_FEES: Topic.RECRUITMENT_COSTS,
}
CENT = Decimal("0.01")


def is_minor_at(birth_year: int | None, day: date) -> bool:
    """Return True when someone born in ``birth_year`` may be under 18 on ``day``.

    Only the year is known, so someone who turns 18 this year is flagged too:
    for child protection, doubt counts as a child.
    """
    return birth_year is not None and day.year - birth_year <= 18


def _clean_grievances(grievances: Iterable[str]) -> list[str]:
    codes = list(dict.fromkeys(grievances))
    if not codes:
        raise ValidationError({"grievances": GRIEVANCE_REQUIRED}, code="required")
    for code in codes:
        if code not in Grievance.values:
            raise ValidationError({"grievances": GRIEVANCE_UNKNOWN % {"code": code}}, code="invalid")
    return codes


def _check_assignee(centre: Centre, user: User | None) -> None:
    if user is None:
        return
    if user.is_superuser:
        return
    ok = Membership.objects.filter(user=user, centre=centre, role__in=(Role.STAFF, Role.MANAGER, Role.ADMIN)).exists()
    if not ok:
        raise ValidationError({"assigned_to": ASSIGNEE_NOT_AT_CENTRE}, code="invalid")


def _next_reference(centre: Centre, year: int) -> str:
    """Return the next ``CENTRE-YYYY-NNNN``; the counter row stays locked until the transaction ends."""
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(centre=centre, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{centre.code.upper()}-{year}-{counter.last_number:04d}"


@transaction.atomic
def complaint_open(
    *,
    centre: Centre,
    complainant: Person,
    opened_by: User | None,
    grievances: list[str],
    channel: str = Channel.WALK_IN,
    agency: Agency | None = None,
    employer: str = "",
    destination_country: str = "",
    description: str = "",
    amount_claimed: Decimal | None = None,
    sensitive: bool = False,
    assigned_to: User | None = None,
    opened_at: datetime | None = None,
) -> Complaint:
    """Open a case with the next reference and record the complaint contact with it.

    Abuse and trafficking grievances make the case sensitive. Staff who open a
    case without naming an assignee carry it themselves; a bot intake stays
    unassigned (visible to the centre's managers until they assign it).
    ``opened_at`` is for cases entered late (paper forms, imports): the reference
    year and the contact date follow it.
    """
    codes = _clean_grievances(grievances)
    if not person_served_at(complainant, centre):  # held there, or shared with it by the holding centre
        raise ValidationError({"complainant": COMPLAINANT_OTHER_CENTRE}, code="invalid")
    if assigned_to is None and opened_by is not None:
        assigned_to = opened_by
    _check_assignee(centre, assigned_to)
    sensitive = sensitive or bool(SENSITIVE_GRIEVANCES.intersection(codes))
    now = opened_at or timezone.now()
    today = timezone.localdate(now)
    complaint = Complaint(
        reference=_next_reference(centre, today.year), centre=centre, complainant=complainant, channel=channel,
        opened_by=opened_by, assigned_to=assigned_to, agency=agency, employer=normalize_text(employer),
        destination_country=destination_country or complainant.destination_country, description=normalize_text(description),
        amount_claimed=amount_claimed, sensitive=sensitive, is_minor=is_minor_at(complainant.birth_year, today), opened_at=now,
    )
    complaint.full_clean()
    # The contact counts the case in the beneficiary table; its notes never carry a sensitive case's details.
    complaint.intake_contact = contact_log(
        centre=centre, staff=opened_by, service=Service.COMPLAINT, channel=channel, person=complainant, date=today,
        topics=[Topic.LEGAL_ADVICE, *(() if sensitive else (GRIEVANCE_TOPICS[c] for c in codes if c in GRIEVANCE_TOPICS))],
        notes="" if sensitive else complaint.reference,
    )
    complaint.save()
    ComplaintGrievance.objects.bulk_create([ComplaintGrievance(complaint=complaint, grievance=c) for c in codes])
    TimelineEntry.objects.create(
        complaint=complaint, kind=EntryKind.OPENED, to_stage=complaint.stage, author=opened_by, created_at=now,
    )
    return complaint


UPDATABLE = ("agency", "employer", "destination_country", "description", "amount_claimed", "next_follow_up", "sensitive", "is_minor")


@transaction.atomic
def complaint_update(*, complaint: Complaint, by: User | None, grievances: list[str] | None = None, **fields) -> Complaint:
    """Change a case's details; the history keeps the old values and the timeline says who changed what."""
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise TypeError(f"Unknown complaint fields: {sorted(unknown)}")
    from complaints.selectors import user_manages_complaint

    if complaint.sensitive and fields.get("sensitive") is False and not user_manages_complaint(by, complaint):
        raise ValidationError({"sensitive": NOT_MANAGER_UNMARK_SENSITIVE}, code="forbidden")
    if "amount_claimed" in fields and fields["amount_claimed"] != complaint.amount_claimed and complaint.members.exists():
        from complaints.group import GROUP_CLAIM_PER_MEMBER

        raise ValidationError({"amount_claimed": GROUP_CLAIM_PER_MEMBER}, code="group")
    changed = []
    for name, value in fields.items():
        if isinstance(value, str):
            value = normalize_text(value)
        if getattr(complaint, name) != value:
            setattr(complaint, name, value)
            changed.append(str(Complaint._meta.get_field(name).verbose_name))
    if grievances is not None:
        codes = _clean_grievances(grievances)
        current = set(complaint.grievances.values_list("grievance", flat=True))
        if set(codes) != current:
            complaint.grievances.exclude(grievance__in=codes).delete()
            ComplaintGrievance.objects.bulk_create(
                [ComplaintGrievance(complaint=complaint, grievance=c) for c in codes if c not in current]
            )
            changed.append(str(_("grievances")))
            # A newly raised abuse or trafficking grievance makes the case sensitive whatever the form said;
            # a manager may unmark it afterwards.
            if SENSITIVE_GRIEVANCES.intersection(set(codes) - current) and not complaint.sensitive:
                complaint.sensitive = True
                changed.append(str(Complaint._meta.get_field("sensitive").verbose_name))
    if changed:
        complaint.full_clean()
        complaint.save()
        TimelineEntry.objects.create(complaint=complaint, kind=EntryKind.UPDATED, text=", ".join(changed), author=by)
    return complaint


@transaction.atomic
def complaint_add_note(
    *, complaint: Complaint, by: User | None, text: str, kind: str = EntryKind.NOTE, next_follow_up: date | None = None
) -> TimelineEntry:
    """Add a note or an action taken to the timeline, optionally setting the next follow-up date."""
    text = normalize_text(text)
    if not text:
        raise ValidationError({"text": NOTE_EMPTY}, code="required")
    if kind not in (EntryKind.NOTE, EntryKind.ACTION, EntryKind.MESSAGE):
        raise ValidationError({"kind": _("Choose note or action.")}, code="invalid")
    if next_follow_up is not None and next_follow_up != complaint.next_follow_up:
        complaint.next_follow_up = next_follow_up
        complaint.save(update_fields=["next_follow_up", "updated_at"])
    entry = TimelineEntry(complaint=complaint, kind=kind, text=text, author=by)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def complaint_reassign(*, complaint: Complaint, by: User | None, assigned_to: User | None, reason: str = "") -> Complaint:
    """Hand the case to another staff member of its centre (or leave it unassigned for the managers)."""
    _check_assignee(complaint.centre, assigned_to)
    previous = complaint.assigned_to
    if previous == assigned_to:
        return complaint
    complaint.assigned_to = assigned_to
    complaint.save(update_fields=["assigned_to", "updated_at"])
    names = f"{previous or '—'} → {assigned_to or '—'}"
    text = f"{names}: {normalize_text(reason)}" if reason else names
    TimelineEntry.objects.create(complaint=complaint, kind=EntryKind.REASSIGNED, text=text, author=by)
    return complaint


def _payment_amounts(currency: str, amount_mmk, original_amount, exchange_rate):
    """Return (amount_mmk, original_amount, exchange_rate) with the MMK value worked out when paid in another currency."""
    if currency in ("", Currency.MMK):
        if amount_mmk is None:
            raise ValidationError({"amount_mmk": AMOUNT_REQUIRED}, code="required")
        return amount_mmk, None, None
    if original_amount is None:
        raise ValidationError({"original_amount": FOREIGN_AMOUNT_REQUIRED % {"currency": currency}}, code="required")
    if exchange_rate is None and amount_mmk is None:
        raise ValidationError({"exchange_rate": RATE_OR_MMK_REQUIRED}, code="required")
    if amount_mmk is None:
        amount_mmk = (Decimal(original_amount) * Decimal(exchange_rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    elif exchange_rate is None and original_amount:
        exchange_rate = (Decimal(amount_mmk) / Decimal(original_amount)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return amount_mmk, original_amount, exchange_rate


PAYMENT_MEMBER_OTHER_CASE = _("This member belongs to another case.")


def _check_payment_member(complaint: Complaint, member: ComplaintMember | None) -> None:
    if member is not None and member.complaint_id != complaint.pk:
        raise ValidationError({"member": PAYMENT_MEMBER_OTHER_CASE}, code="invalid")


def _validate_payment(payment: Reimbursement) -> None:
    if payment.amount_mmk is not None and payment.amount_mmk <= 0:
        raise ValidationError({"amount_mmk": AMOUNT_POSITIVE}, code="min_value")
    if payment.date and payment.date > timezone.localdate():
        raise ValidationError({"date": FUTURE_DATE}, code="future")
    payment.full_clean()


@transaction.atomic
def reimbursement_record(
    *,
    complaint: Complaint,
    recorded_by: User | None,
    kind: str,
    payer: str,
    amount_mmk: Decimal | None = None,
    date: date | None = None,
    currency: str = Currency.MMK,
    original_amount: Decimal | None = None,
    exchange_rate: Decimal | None = None,
    note: str = "",
    message_sensitive: bool = False,
    member: ComplaintMember | None = None,
) -> Reimbursement:
    """Record a payment received (one of possibly several) and put it on the timeline.

    On a group case ``member`` says whose payment it is; without one it is a lump sum for the group,
    apportioned between the members when shown (complaints.group.apportion).
    Registered handlers (bots) may tell the migrant; for a sensitive case only when a manager ticked ``message_sensitive``.
    """
    _check_payment_member(complaint, member)
    amount_mmk, original_amount, exchange_rate = _payment_amounts(currency, amount_mmk, original_amount, exchange_rate)
    payment = Reimbursement(
        complaint=complaint, member=member, amount_mmk=amount_mmk, date=date or timezone.localdate(), kind=kind, payer=normalize_text(payer),
        currency=currency or Currency.MMK, original_amount=original_amount, exchange_rate=exchange_rate,
        note=normalize_text(note), recorded_by=recorded_by,
    )
    _validate_payment(payment)
    payment.save()
    TimelineEntry.objects.create(
        complaint=complaint, kind=EntryKind.PAYMENT, author=recorded_by,
        text=f"{format_amount(payment.amount_mmk)} MMK · {payment.payer}",  # data, not a label: same in both languages
    )
    case_event(CaseEvent("payment", complaint, recorded_by, send_if_sensitive=message_sensitive, detail={"amount_mmk": payment.amount_mmk, "member_person_id": member.person_id if member else None}))
    return payment


PAYMENT_FIELDS = ("amount_mmk", "date", "kind", "payer", "currency", "original_amount", "exchange_rate", "note", "member")


@transaction.atomic
def reimbursement_correct(*, payment: Reimbursement, by: User | None, reason: str, **fields) -> Reimbursement:
    """Correct a payment typed wrongly; the history keeps what it was and the timeline says why."""
    unknown = set(fields) - set(PAYMENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown payment fields: {sorted(unknown)}")
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is corrected.")}, code="required")
    before = payment.amount_mmk
    _check_payment_member(payment.complaint, fields.get("member"))
    for name, value in fields.items():
        setattr(payment, name, normalize_text(value) if isinstance(value, str) and name in ("payer", "note") else value)
    if payment.currency not in ("", Currency.MMK):
        if "amount_mmk" in fields and "exchange_rate" not in fields:
            payment.exchange_rate = None  # recomputed from the corrected MMK value
        elif "amount_mmk" not in fields and {"original_amount", "exchange_rate"} & set(fields):
            payment.amount_mmk = None  # recomputed from the corrected foreign amount or rate
    payment.amount_mmk, payment.original_amount, payment.exchange_rate = _payment_amounts(
        payment.currency, payment.amount_mmk, payment.original_amount, payment.exchange_rate
    )
    _validate_payment(payment)
    payment.save()
    TimelineEntry.objects.create(
        complaint=payment.complaint, kind=EntryKind.PAYMENT_CORRECTED, author=by,
        text=f"{format_amount(before)} → {format_amount(payment.amount_mmk)} MMK: {reason}",
    )
    return payment


PAYMENT_REMOVE_MANAGERS_ONLY = _("Only a manager can remove a payment.")


@transaction.atomic
def reimbursement_remove(*, payment: Reimbursement, by: User | None, reason: str) -> None:
    """Remove a payment recorded twice or on the wrong case (managers only).

    The history keeps the removed row and the timeline says who removed what and why.
    """
    from complaints.selectors import user_manages_complaint

    complaint = payment.complaint
    if not user_manages_complaint(by, complaint):
        raise ValidationError(PAYMENT_REMOVE_MANAGERS_ONLY, code="forbidden")
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is removed.")}, code="required")
    text = f"{format_amount(payment.amount_mmk)} MMK · {payment.payer} · {payment.date:%Y-%m-%d}: {reason}"
    payment.delete()
    TimelineEntry.objects.create(complaint=complaint, kind=EntryKind.PAYMENT_REMOVED, author=by, text=text)
