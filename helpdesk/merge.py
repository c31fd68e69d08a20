"""Merging two records of one person at one centre: everything of the second moves to the first, which is kept.

Staff register someone twice (a walk-in, later a helpline call). The merge keeps every contact, referral,
attendance, consent step, complaint and conversation: each row is re-pointed and saved, so its history
says so. The merged-away record is deleted; its history stays with the reason ``merged into #<id>``.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.extensions import PERSON_MERGE_HANDLERS
from helpdesk.models import ConsentEvent, Contact, ErasureRequest, Person, PersonShare, Referral, TransferRequest
from helpdesk.reports import rollups
from helpdesk.selectors import centres_for_user
from helpdesk.services import PERSON_FIELDS, set_document_keys

MERGE_SAME_PERSON = _("Choose two different records.")
MERGE_OTHER_CENTRE = _("Only records of the same centre can be merged; ask for a transfer first.")
MERGE_ERASED = _("An erased record cannot be merged.")
MERGE_PENDING = _("A record waiting for an erasure or a transfer cannot be merged until it is decided.")
# Said the same whatever is hidden, so the refusal reveals nothing of it.
MERGE_HIDDEN = _("These records cannot be merged from your account: ask a manager of the centre to merge them.")
FILLED_FROM_GONE = tuple(f for f in PERSON_FIELDS if not f.startswith("consent_") and f != "gender")


def merge_blocked(*, keep: Person, gone: Person, user: AbstractBaseUser) -> str | None:
    """Why these two records may not be merged by this user (a message that reveals nothing hidden), or None."""
    if keep.pk == gone.pk:
        return MERGE_SAME_PERSON
    if keep.centre_id != gone.centre_id:
        return MERGE_OTHER_CENTRE
    if keep.erased_at or gone.erased_at:
        return MERGE_ERASED
    if (ErasureRequest.objects.filter(person__in=[keep, gone], status=ErasureRequest.Status.PENDING).exists()
            or TransferRequest.objects.filter(person__in=[keep, gone], status=TransferRequest.Status.PENDING).exists()):
        return MERGE_PENDING
    if any(h.hidden and h.hidden(user=user, person=p) for h in PERSON_MERGE_HANDLERS for p in (keep, gone)):
        return MERGE_HIDDEN
    return None


def _repoint(rows, field: str, keep: Person, reason: str) -> int:
    """Save each row with ``field`` set to ``keep``, so its history records the move."""
    moved = 0
    for row in rows:
        setattr(row, field, keep)
        row._change_reason = reason
        row.save(update_fields=[field])
        moved += 1
    return moved


@transaction.atomic
def person_merge(*, keep: Person, gone: Person, user: AbstractBaseUser, take_from_gone: Iterable[str] = ()) -> dict[str, int]:
    """Move everything of ``gone`` to ``keep``, fill ``keep``'s empty details from ``gone``, delete ``gone``.

    ``take_from_gone``: details (of ``FILLED_FROM_GONE``) where both records differ and staff chose ``gone``'s.
    Returns the rows moved per kind (each app's handler under its name).
    """
    keep, gone = (Person.objects.select_for_update().get(pk=p.pk) for p in (keep, gone))
    if keep.pk != gone.pk and keep.centre_id == gone.centre_id and not centres_for_user(user).filter(pk=keep.centre_id).exists():
        raise PermissionDenied
    if blocked := merge_blocked(keep=keep, gone=gone, user=user):
        raise ValidationError(blocked)
    if unknown := set(take_from_gone) - set(FILLED_FROM_GONE):
        raise ValueError(f"Not a detail to take: {sorted(unknown)}")
    reason = f"merged #{gone.pk} into #{keep.pk}"
    # The report rollups count persons: what moves leaves one person and joins another (same transaction).
    places = list(Contact.objects.filter(person=gone).values_list("date", "centre_id"))
    places += list(gone.activities.values_list("date", "centre_id"))
    touched = [(day, centre, person.pk) for day, centre in places for person in (keep, gone)]
    moved = {
        "contacts": _repoint(Contact.objects.filter(person=gone), "person", keep, reason),
        "referrals": _repoint(Referral.objects.filter(person=gone), "person", keep, reason),
        "consent events": ConsentEvent.objects.filter(person=gone).update(person=keep),
        "requests": TransferRequest.objects.filter(person=gone).update(person=keep)
        + ErasureRequest.objects.filter(person=gone).update(person=keep),
    }
    activities = list(gone.activities.all())
    for activity in activities:
        activity.attendees.add(keep)
    gone.activities.clear()
    moved["activities attended"] = len(activities)
    # Shares follow the person; a centre both records were shared with keeps one share.
    for twice in PersonShare.objects.active().filter(person=gone, centre__in=keep.shares.active().values("centre")):
        twice.revoked_at, twice.revoked_by, twice._change_reason = timezone.now(), user, reason
        twice.save()
    moved["shares"] = _repoint(PersonShare.objects.filter(person=gone), "person", keep, reason)
    for handler in PERSON_MERGE_HANDLERS:
        moved[handler.name] = handler.merge(keep=keep, gone=gone, user=user)

    filled = [f for f in FILLED_FROM_GONE if (f in take_from_gone or not getattr(keep, f)) and getattr(gone, f)]
    for field in filled:
        setattr(keep, field, getattr(gone, field))
    if not keep.consent_record and gone.consent_record:  # the consent steps moved above say when and how
        keep.consent_record, keep.consent_date = True, gone.consent_date
    keep.consent_share = keep.consent_share or (gone.consent_share and keep.consent_record)
    if "card_number" in filled:  # unique per centre: it leaves the merged-away record first
        gone.card_number = ""
        gone.save(update_fields=["card_number"])
    set_document_keys(keep)
    keep._change_reason, keep._history_user = reason, user
    keep.full_clean()
    keep.save()
    rollups.refresh(touched=touched)  # before the delete: the merged-away person's presence must be taken out first
    gone._change_reason, gone._history_user = reason, user
    gone.delete()
    return moved
