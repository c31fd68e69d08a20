"""Moving or sharing a person's record with another centre: asked by the centre that met them, decided by the holding centre's manager.

The asking side finds the record only through the NRC or passport typed on its own form; it learns
nothing of the person (not even that the request matched one) until a manager of the holding centre accepts.
Contacts, referrals and activities stay with the centre that served them: they are that centre's figures.
"""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.choices import Role
from helpdesk.models import Centre, Person, PersonShare, TransferRequest
from helpdesk.selectors import centres_for_user, user_centre_ids, user_is_admin, user_is_manager_of
from helpdesk.text.documents import nrc_key, passport_key

TRANSFER_REASON_REQUIRED = _("Say why the record should move, e.g. the person now lives near your centre.")
TRANSFER_NOT_FOUND = _("No record with this NRC or passport was found at that centre.")
TRANSFER_PENDING = _("A transfer of this person to your centre is already waiting.")
TRANSFER_NOT_PENDING = _("This request is no longer waiting.")
TRANSFER_NOT_MANAGER = _("Only a manager of the centre holding the record can accept or refuse.")
TRANSFER_SAME_CENTRE = _("The record is already at this centre.")
SHARE_NOT_MANAGER = _("Only a manager of the centre holding the record can stop sharing it.")
SHARE_REVOKED = _("This record is no longer shared with that centre.")


def _holder(*, centre: Centre, nrc: str, passport_number: str) -> Person | None:
    """The oldest record at ``centre`` with the same readable NRC or passport."""
    people = Person.objects.filter(centre=centre, erased_at__isnull=True).order_by("created_at", "id")
    key, passport = nrc_key(nrc), passport_key(passport_number)
    if key and (person := people.filter(nrc_key=key).first()):
        return person
    return people.filter(passport_key=passport).first() if passport else None


@transaction.atomic
def transfer_request(
    *, from_centre: Centre, to_centre: Centre, user: AbstractBaseUser, nrc: str = "", passport_number: str = "", reason: str
) -> TransferRequest:
    """Ask ``from_centre`` to move the record holding this NRC or passport to ``to_centre`` (one of the user's)."""
    if not centres_for_user(user).filter(pk=to_centre.pk).exists():
        raise PermissionDenied
    if from_centre.pk == to_centre.pk:
        raise ValidationError(TRANSFER_SAME_CENTRE)
    if not reason.strip():
        raise ValidationError({"reason": TRANSFER_REASON_REQUIRED})
    person = _holder(centre=from_centre, nrc=nrc, passport_number=passport_number)
    if person is None:
        raise ValidationError(TRANSFER_NOT_FOUND)
    if TransferRequest.objects.filter(person=person, to_centre=to_centre, status=TransferRequest.Status.PENDING).exists():
        raise ValidationError(TRANSFER_PENDING)
    transfer = TransferRequest(person=person, from_centre=from_centre, to_centre=to_centre, reason=reason.strip(), requested_by=user)
    transfer.full_clean()
    transfer._history_user = user
    transfer.save()
    return transfer


def _decide(transfer: TransferRequest, user: AbstractBaseUser, status: str) -> TransferRequest:
    transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
    if not user_is_manager_of(user, transfer.from_centre_id):
        raise PermissionDenied(TRANSFER_NOT_MANAGER)
    if transfer.status != TransferRequest.Status.PENDING:
        raise ValidationError(TRANSFER_NOT_PENDING)
    transfer.status, transfer.decided_by, transfer.decided_at = status, user, timezone.now()
    transfer._history_user = user
    transfer.save()
    return transfer


@transaction.atomic
def transfer_accept(*, transfer: TransferRequest, user: AbstractBaseUser, mode: str = TransferRequest.Mode.MOVE) -> TransferRequest:
    """Move the person to the asking centre, or share the record with it (``mode``).

    Either way past contacts stay the old centre's figures. A share keeps the record where it is and lets
    the asking centre see and serve the person until the holding centre's manager revokes it.
    """
    if mode not in TransferRequest.Mode.values:
        raise ValueError(f"Unknown transfer mode: {mode!r}")
    transfer = _decide(transfer, user, TransferRequest.Status.ACCEPTED)
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.centre_id != transfer.from_centre_id or person.erased_at:
        raise ValidationError(TRANSFER_NOT_PENDING)
    transfer.mode = mode
    transfer.save(update_fields=["mode"])
    if mode == TransferRequest.Mode.SHARE:
        if not PersonShare.objects.active().filter(person=person, centre_id=transfer.to_centre_id).exists():
            share = PersonShare(person=person, centre_id=transfer.to_centre_id, transfer=transfer, granted_by=user)
            share.full_clean(validate_constraints=False)
            share._history_user, share._change_reason = user, f"transfer #{transfer.pk}"
            share.save()
        return transfer
    for share in PersonShare.objects.active().filter(person=person, centre_id=transfer.to_centre_id):  # it holds the record now
        share.revoked_at, share.revoked_by, share._history_user = timezone.now(), user, user
        share._change_reason = f"transfer #{transfer.pk}"
        share.save()
    person.centre_id = transfer.to_centre_id
    person.full_clean()
    person._history_user = user
    person._change_reason = f"transfer #{transfer.pk}"
    person.save()
    return transfer


@transaction.atomic
def share_revoke(*, share: PersonShare, user: AbstractBaseUser) -> PersonShare:
    """Stop sharing: the other centre no longer sees the person; what it gave (contacts, cases) stays its own."""
    share = PersonShare.objects.select_for_update().select_related("person").get(pk=share.pk)
    if not user_is_manager_of(user, share.person.centre_id):
        raise PermissionDenied(SHARE_NOT_MANAGER)
    if share.revoked_at:
        raise ValidationError(SHARE_REVOKED)
    share.revoked_at, share.revoked_by = timezone.now(), user
    share._history_user = user
    share.save()
    return share


@transaction.atomic
def transfer_refuse(*, transfer: TransferRequest, user: AbstractBaseUser) -> TransferRequest:
    """Keep the record where it is; the asking centre sees the refusal."""
    return _decide(transfer, user, TransferRequest.Status.REFUSED)


def transfers_to_decide(user: AbstractBaseUser) -> QuerySet[TransferRequest]:
    """Requests for records of the centres the user manages (all for admins)."""
    transfers = TransferRequest.objects.select_related("person", "from_centre", "to_centre", "requested_by", "decided_by")
    if not user_is_admin(user):
        transfers = transfers.filter(from_centre_id__in=user_centre_ids(user, (Role.MANAGER,)))
    return transfers


def transfers_asked(user: AbstractBaseUser) -> QuerySet[TransferRequest]:
    """Requests the user's centres made; shown without the person until accepted."""
    return TransferRequest.objects.select_related("from_centre", "to_centre").filter(to_centre__in=centres_for_user(user))
