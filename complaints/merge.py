"""Complaints follow their complainant when helpdesk merges two records of one person.

Group members follow too. When both records were members of the same group case, they become one
member (the lead if either was; claims added; payments kept) with one complaint contact: the other
contact, already moved to the kept person by helpdesk, is deleted through ``contact_delete`` so the
beneficiary table counts the worker once and the rollups follow.
"""
from __future__ import annotations

from django.db.models import Q

from complaints.choices import MemberRole
from complaints.models import Complaint, ComplaintMember, Reimbursement
from complaints.selectors import visible_complaints
from helpdesk.services import contact_delete


def merge_complainant(*, keep, gone, user) -> int:
    """Re-point the cases and group memberships of ``gone`` to ``keep``, each saved so the history shows it."""
    reason = f"merged #{gone.pk} into #{keep.pk}"
    moved = 0
    for complaint in Complaint.objects.filter(complainant=gone):
        complaint.complainant = keep
        complaint._change_reason, complaint._history_user = reason, user
        complaint.save(update_fields=["complainant"])
        moved += 1
    for member in ComplaintMember.objects.filter(person=gone).select_related("complaint"):
        twin = ComplaintMember.objects.filter(complaint=member.complaint, person=keep).first()
        if twin is None:
            member.person = keep
            member._change_reason, member._history_user = reason, user
            member.save(update_fields=["person"])
        else:
            _combine(twin, member, reason, user)
        moved += 1
    return moved


def _combine(twin: ComplaintMember, member: ComplaintMember, reason: str, user) -> None:
    """Make two members of one case (the same worker twice) one: ``twin`` stays."""
    intake = member.complaint.intake_contact_id
    extra = member.contact if member.contact_id != intake else twin.contact
    keep_contact = twin.contact if extra == member.contact else member.contact
    Reimbursement.objects.filter(member=member).update(member=twin)
    lead = member.is_lead or twin.is_lead
    claims = [c for c in (twin.amount_claimed, member.amount_claimed) if c is not None]
    member._change_reason, member._history_user = reason, user
    member.delete()
    twin.role = MemberRole.LEAD if lead else MemberRole.MEMBER
    twin.amount_claimed = sum(claims) if claims else None
    twin.contact = keep_contact
    twin._change_reason, twin._history_user = reason, user
    twin.save()
    if extra is not None:
        contact_delete(contact=extra)


def _of(person) -> Q:
    """The person's cases: as complainant, or as a member of a group case."""
    return Q(complainant=person) | Q(pk__in=ComplaintMember.objects.filter(person=person).values("complaint_id"))


def hidden_cases(*, user, person) -> bool:
    """True when the person has a case the user may not see (a sensitive one): the merge page must not move it."""
    return Complaint.objects.filter(_of(person)).exclude(pk__in=visible_complaints(user).values("pk")).exists()


def visible_cases(*, user, person) -> int:
    return visible_complaints(user).filter(_of(person)).count()
