"""Retention of the outreach review list: the details a phone typed are not kept forever when nobody decides."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from helpdesk.outreach.models import OutreachReview


def forget_undecided_reviews(*, cutoff: dt.datetime, today: dt.date, dry_run: bool) -> int:
    """Blank the typed person of reviews still undecided after the period; they leave the waiting list.

    The entry was never recorded (it waited for the decision), so no count changes: the review is marked
    "not decided in time" and keeps only its kind, centre and dates (not even the possible matches).
    """
    old = OutreachReview.objects.filter(decision=OutreachReview.Decision.PENDING, entry__received_at__lt=cutoff)
    if dry_run:
        return old.count()
    ids = list(old.values_list("pk", flat=True))
    OutreachReview.candidates.through.objects.filter(outreachreview_id__in=ids).delete()
    return OutreachReview.objects.filter(pk__in=ids).update(payload={}, decision=OutreachReview.Decision.EXPIRED, decided_at=timezone.now())
