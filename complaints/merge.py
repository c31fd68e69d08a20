"""Complaints follow their complainant when helpdesk merges two records of one person."""
from __future__ import annotations

from complaints.models import Complaint


def merge_complainant(*, keep, gone, user) -> int:
    """Re-point the cases of ``gone`` to ``keep``, each saved so the case history shows it."""
    moved = 0
    for complaint in Complaint.objects.filter(complainant=gone):
        complaint.complainant = keep
        complaint._change_reason, complaint._history_user = f"merged #{gone.pk} into #{keep.pk}", user
        complaint.save(update_fields=["complainant"])
        moved += 1
    return moved
