"""Erasing a person on request while every count and amount stays (two managers, one transaction).

A manager asks (:func:`erasure_request`, with a reason); a second manager of the person's centre or
an admin confirms (:func:`erasure_confirm`), which runs :func:`person_erase`: every app's registered
:class:`helpdesk.extensions.ErasureHandler` blanks what it holds (complaints their narratives, bots
their transcripts), then helpdesk blanks the person, their contacts' and referrals' notes and every
history version of them. Rows stay (contacts, attendance, cases, payments), so the reports do not move.
"""
from __future__ import annotations

import json
import re

import phonenumbers
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.extensions import ERASURE_HANDLERS
from helpdesk.models import (
    Activity,
    ConsentEvent,
    Contact,
    ContactImport,
    ErasureRequest,
    Person,
    Referral,
    TransferRequest,
)
from helpdesk.selectors import user_is_manager_of

ERASURE_NOT_MANAGER = _("Only a manager of the person's centre or an admin can erase a person.")
ERASURE_OWN_REQUEST = _("You asked for this erasure: another manager of the centre or an admin must confirm it.")
ERASURE_PENDING = _("An erasure of this person is already waiting for confirmation.")
ERASURE_ALREADY = _("This person has already been erased.")
ERASURE_REASON_REQUIRED = _("Give the reason for the erasure, e.g. who asked and when.")
ERASURE_NOT_PENDING = _("This request is no longer waiting for confirmation.")
ERASED = "[erased]"

# The person's own fields that go; gender, centre, migration status, destination and consent stay for the counts.
PERSON_BLANK = {
    "name": "", "phone": "", "card_number": "", "nrc": "", "nrc_key": "", "passport_number": "", "passport_key": "",
    "birth_year": None, "origin_township": "", "origin_region": "",
}


def history_blank(model: type[models.Model], ids, *, person_field: str = "", person: Person | None = None, **values) -> int:
    """Give every history version of the rows ``ids`` the same blanked ``values`` (one UPDATE).

    With ``person_field`` the versions that pointed at the person are included too, so rows deleted
    since (whose history stays) or moved to someone else do not keep the person's text.
    """
    versions = Q(id__in=ids)
    if person_field and person is not None:
        versions |= Q(**{f"{person_field}_id": person.pk})
    return model.history.filter(versions).update(**values)


def person_needles(person: Person) -> list[str]:
    """The strings that identify the person in free text: name, card number, NRC, passport, phone in E.164 and local forms."""
    needles = [person.name.strip(), person.card_number.strip()]
    needles += [person.nrc.strip(), person.nrc_key, person.passport_number.strip(), person.passport_key]  # typed and read
    if person.phone:
        needles.append(person.phone)
        try:
            number = phonenumbers.parse(person.phone)
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            needles += [national, re.sub(r"\D", "", national), person.phone.lstrip("+")]
        except phonenumbers.NumberParseException:
            pass
    return sorted({n for n in needles if len(n) >= 3}, key=len, reverse=True)


def text_scrub(text: str, needles: list[str]) -> str:
    """Replace every needle (case-insensitive) in ``text`` with ``[erased]``."""
    for needle in needles:
        text = re.sub(re.escape(needle), ERASED, text, flags=re.IGNORECASE)
    return text


def _may_erase(user: AbstractBaseUser, person: Person) -> bool:
    return user_is_manager_of(user, person.centre_id)


@transaction.atomic
def erasure_request(*, person: Person, user: AbstractBaseUser, reason: str) -> ErasureRequest:
    """Ask for the person's erasure; nothing is removed until another manager or an admin confirms."""
    if not _may_erase(user, person):
        raise PermissionDenied(ERASURE_NOT_MANAGER)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.erased_at:
        raise ValidationError(ERASURE_ALREADY)
    if not reason.strip():
        raise ValidationError({"reason": ERASURE_REASON_REQUIRED})
    if ErasureRequest.objects.filter(person=person, status=ErasureRequest.Status.PENDING).exists():
        raise ValidationError(ERASURE_PENDING)
    erasure = ErasureRequest(person=person, centre_id=person.centre_id, reason=reason.strip(), requested_by=user)
    erasure.full_clean()
    erasure._history_user = user
    erasure.save()
    return erasure


@transaction.atomic
def erasure_cancel(*, erasure: ErasureRequest, user: AbstractBaseUser) -> ErasureRequest:
    """Withdraw a pending request (the requester, another manager of the centre or an admin)."""
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if not user_is_manager_of(user, erasure.centre_id):
        raise PermissionDenied(ERASURE_NOT_MANAGER)
    if erasure.status != ErasureRequest.Status.PENDING:
        raise ValidationError(ERASURE_NOT_PENDING)
    erasure.status, erasure.decided_by, erasure.decided_at = ErasureRequest.Status.CANCELLED, user, timezone.now()
    erasure._history_user = user
    erasure.save()
    return erasure


@transaction.atomic
def erasure_confirm(*, erasure: ErasureRequest, user: AbstractBaseUser) -> dict[str, int]:
    """Confirm someone else's request and erase the person; return the rows changed per app."""
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if not user_is_manager_of(user, erasure.centre_id):
        raise PermissionDenied(ERASURE_NOT_MANAGER)
    if erasure.requested_by_id == user.pk:
        raise PermissionDenied(ERASURE_OWN_REQUEST)
    if erasure.status != ErasureRequest.Status.PENDING:
        raise ValidationError(ERASURE_NOT_PENDING)
    erasure.status, erasure.decided_by, erasure.decided_at = ErasureRequest.Status.DONE, user, timezone.now()
    erasure._history_user = user
    erasure.save()  # before the erasure: it scrubs the request's own reason and history too
    return person_erase(person=erasure.person, erasure=erasure, user=user)


@transaction.atomic
def person_erase(*, person: Person, erasure: ErasureRequest, user: AbstractBaseUser | None) -> dict[str, int]:
    """Remove the person's name, phone, details, notes and stories everywhere, history included; keep the rows.

    Called only by :func:`erasure_confirm` (the two-person rule lives there). Every app's handler runs
    first, while the person's name and phone are still known, then helpdesk blanks its own tables.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.erased_at:
        raise ValidationError(ERASURE_ALREADY)
    needles = person_needles(person)
    counts = {handler.name: handler.erase(person=person, erasure=erasure) for handler in ERASURE_HANDLERS}

    contact_ids = list(Contact.objects.filter(person=person).values_list("pk", flat=True))
    counts["contacts"] = Contact.objects.filter(pk__in=contact_ids).exclude(notes="").update(notes="")
    history_blank(Contact, contact_ids, person_field="person", person=person, notes="")
    referral_ids = list(Referral.objects.filter(person=person).values_list("pk", flat=True))
    counts["referrals"] = Referral.objects.filter(pk__in=referral_ids).update(reason="", outcome_notes="")
    history_blank(Referral, referral_ids, person_field="person", person=person, reason="", outcome_notes="")
    # Withdrawal notes and override reasons are free text about the person; the dates and who recorded stay.
    counts["consent events"] = ConsentEvent.objects.filter(person=person).exclude(reason="").update(reason="")
    counts["activities"] = _scrub_activity_notes(person, needles)
    counts["admin log"] = _scrub_admin_log(person, needles)
    counts["imports"] = _scrub_import_results(needles)
    _scrub_requests(person, needles)

    for field, value in PERSON_BLANK.items():
        setattr(person, field, value)
    person.erased_at = timezone.now()
    person._history_user = user
    person._change_reason = f"erasure request #{erasure.pk}"
    person.save()
    history_blank(Person, [person.pk], **PERSON_BLANK)
    counts["people"] = 1
    return counts


def _scrub_activity_notes(person: Person, needles: list[str]) -> int:
    """An activity's notes are about everyone there: only the person's name or phone is replaced in them."""
    changed = 0
    for activity in Activity.objects.filter(attendees=person).exclude(notes="").only("pk", "notes"):
        notes = text_scrub(activity.notes, needles)
        if notes != activity.notes:
            Activity.objects.filter(pk=activity.pk).update(notes=notes)
            changed += 1
    for version in Activity.history.filter(id__in=Activity.objects.filter(attendees=person).values("pk")).exclude(notes=""):
        notes = text_scrub(version.notes, needles)
        if notes != version.notes:
            Activity.history.filter(history_id=version.history_id).update(notes=notes)
    return changed


def _scrub_admin_log(person: Person, needles: list[str]) -> int:
    """The admin's change log repeats a record's name (``object_repr``) and changed values."""
    person_type = ContentType.objects.get_for_model(Person)
    changed = LogEntry.objects.filter(content_type=person_type, object_id=str(person.pk)).update(
        object_repr=f"#{person.pk}", change_message="")
    if not needles:
        return changed
    mentions = Q()
    for needle in needles:
        mentions |= Q(object_repr__icontains=needle) | Q(change_message__icontains=needle)
    for entry in LogEntry.objects.filter(mentions):
        entry.object_repr = text_scrub(entry.object_repr, needles)
        entry.change_message = text_scrub(entry.change_message, needles)
        entry.save(update_fields=["object_repr", "change_message"])
        changed += 1
    return changed


def _scrub_import_results(needles: list[str]) -> int:
    """A finished import's result lists row errors, which may quote the person's phone or name."""
    changed = 0
    for job in ContactImport.objects.exclude(result=None).only("pk", "result"):
        text = json.dumps(job.result, ensure_ascii=False)
        scrubbed = text_scrub(text, needles)
        if scrubbed != text:
            ContactImport.objects.filter(pk=job.pk).update(result=json.loads(scrubbed))
            changed += 1
    return changed


def _scrub_requests(person: Person, needles: list[str]) -> None:
    """Staff may have written the name in an erasure's or a transfer's reason: the request must not say who it was."""
    for model in (ErasureRequest, TransferRequest):
        for request in model.objects.filter(person=person):
            reason = text_scrub(request.reason, needles)
            if reason != request.reason:
                model.objects.filter(pk=request.pk).update(reason=reason)
        for version in model.history.filter(person_id=person.pk):
            reason = text_scrub(version.reason, needles)
            if reason != version.reason:
                model.history.filter(history_id=version.history_id).update(reason=reason)
