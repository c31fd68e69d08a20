"""The complaints' part of erasing a person (registered in ``ComplaintsConfig.ready``).

The complainant's cases keep their reference, centre, agency, employer, grievances, stages, outcome,
dates and every MMK amount (the outcome report and the agency totals do not move); the narrative,
the free-text details, the timeline's texts and the payments' notes go, in every history version.
A payer who is the complainant themselves is replaced too. The case PDF is built from these fields
on request, so nothing else holds the story. The timeline gets one entry saying the details were erased.

A member of someone else's group case (not its lead) keeps the group's story: only the member's own
identifiers (name, card, NRC, passport, phone) are scrubbed from its texts, in every history version.
Their member row, gender, claim and complaint contact stay, so the counts and amounts do not move.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from complaints.choices import EntryKind
from complaints.models import Complaint, ComplaintMember, Reimbursement, TimelineEntry
from helpdesk.erasure import ERASED, history_blank, person_needles, text_scrub
from helpdesk.models import ErasureRequest, Person

CASE_BLANK = {"description": "", "referred_detail": "", "outcome_detail": ""}


def _scrub(model, rows, fields: tuple[str, ...], needles: list[str]) -> None:
    """Replace the person's identifiers in ``fields`` of ``rows`` and of every history version of them."""
    ids = [row.pk for row in rows]
    for queryset in (model.objects.filter(pk__in=ids), model.history.filter(id__in=ids)):
        for row in queryset.only("pk", *fields):
            changed = {f: text_scrub(getattr(row, f), needles) for f in fields}
            changed = {f: v for f, v in changed.items() if v != getattr(row, f)}
            if changed:
                queryset.filter(pk=row.pk).update(**changed)


def erase_member(*, person: Person) -> int:
    """Scrub the person's identifiers from the group cases they joined as a member; return the cases changed."""
    case_ids = list(
        ComplaintMember.objects.filter(person=person, role="member").exclude(complaint__complainant=person)
        .values_list("complaint_id", flat=True)
    )
    if not case_ids:
        return 0
    needles = person_needles(person)
    _scrub(Complaint, list(Complaint.objects.filter(pk__in=case_ids)), tuple(CASE_BLANK), needles)
    _scrub(TimelineEntry, list(TimelineEntry.objects.filter(complaint__in=case_ids)), ("text",), needles)
    _scrub(Reimbursement, list(Reimbursement.objects.filter(complaint__in=case_ids)), ("payer", "note"), needles)
    return len(case_ids)


def erase_complainant(*, person: Person, erasure: ErasureRequest) -> int:
    """Blank the stories of the person's cases, keep every figure; return the cases changed."""
    members_cases = erase_member(person=person)
    case_ids = list(Complaint.objects.filter(complainant=person).values_list("pk", flat=True))
    history_blank(Complaint, case_ids, person_field="complainant", person=person, **CASE_BLANK)
    if not case_ids:
        return members_cases
    Complaint.objects.filter(pk__in=case_ids).update(**CASE_BLANK)
    entry_ids = TimelineEntry.objects.filter(complaint__in=case_ids).values_list("pk", flat=True)
    history_blank(TimelineEntry, list(entry_ids), text="")
    TimelineEntry.objects.filter(pk__in=list(entry_ids)).update(text="")

    payments = Reimbursement.objects.filter(complaint__in=case_ids)
    payment_ids = list(payments.values_list("pk", flat=True))
    payments.update(note="")
    history_blank(Reimbursement, payment_ids, note="")
    needles = person_needles(person)
    for payment in Reimbursement.objects.filter(pk__in=payment_ids).only("pk", "payer"):
        payer = text_scrub(payment.payer, needles)
        if payer != payment.payer:  # the migrant paid back by themselves, e.g. a refund through their own account
            Reimbursement.objects.filter(pk=payment.pk).update(payer=ERASED)
            history_blank(Reimbursement, [payment.pk], payer=ERASED)
    text = _("The complainant's personal details were erased on request (erasure request #%(id)s).") % {"id": erasure.pk}
    bulk_create_with_history(
        [TimelineEntry(complaint_id=pk, kind=EntryKind.NOTE, author=erasure.decided_by, text=text) for pk in case_ids],
        TimelineEntry, default_user=erasure.decided_by,
    )
    return len(case_ids) + members_cases
