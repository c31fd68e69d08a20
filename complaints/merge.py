"""Complaints follow their complainant when helpdesk merges two records of one person."""
from __future__ import annotations

from complaints.models import Complaint
from complaints.selectors import visible_complaints


def merge_complainant(*, keep, gone, user) -> int:
    """Re-point the cases of ``gone`` to ``keep``, each saved so the case history shows it."""
    moved = 0
    for complaint in Complaint.objects.filter(complainant=gone):
        complaint.complainant = keep
        complaint._change_reason, complaint._history_user = f"merged #{gone.pk} into #{keep.pk}", user
        complaint.save(update_fields=["complainant"])
        moved += 1
    return moved


def hidden_cases(*, user, person) -> bool:
    """True when the person has a case the user may not see (a sensitive one): the merge page must not move it."""
    return Complaint.objects.filter(complainant=person).exclude(pk__in=visible_complaints(user).values("pk")).exists()


def visible_cases(*, user, person) -> int:
    return visible_complaints(user).filter(complainant=person).count()
